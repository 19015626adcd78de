import { record } from './values';

/** A SparkApplication's spec (or a ScheduledSparkApplication's template), with the message prefix; else undefined. */
export function sparkSpecOf(
  manifest: Readonly<Record<string, unknown>>,
): { spec: Record<string, unknown>; at: string } | undefined {
  if (typeof manifest.apiVersion !== 'string' || !manifest.apiVersion.startsWith('sparkoperator.k8s.io/')) {
    return undefined;
  }
  if (manifest.kind === 'SparkApplication') return { spec: record(manifest.spec), at: 'spec' };
  if (manifest.kind === 'ScheduledSparkApplication') {
    return { spec: record(record(manifest.spec).template), at: 'spec.template' };
  }
  return undefined;
}
