import { record } from './values';

/** The Argo kinds holding a workflow spec, and where. */
const SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Workflow: ['spec'],
  WorkflowTemplate: ['spec'],
  ClusterWorkflowTemplate: ['spec'],
  CronWorkflow: ['spec', 'workflowSpec'],
};

/** An Argo object's workflow spec and the path prefix for messages; undefined for anything else. */
export function workflowSpecOf(
  manifest: Readonly<Record<string, unknown>>,
): { spec: Record<string, unknown>; at: string } | undefined {
  const kind = typeof manifest.kind === 'string' ? manifest.kind : '';
  const path = SPEC_PATHS[kind];
  if (
    path === undefined ||
    typeof manifest.apiVersion !== 'string' ||
    !manifest.apiVersion.startsWith('argoproj.io/')
  ) {
    return undefined;
  }
  let spec: unknown = manifest;
  for (const key of path) spec = record(spec)[key];
  return { spec: record(spec), at: path.join('.') };
}

/**
 * True when the spec only points at a WorkflowTemplate (`workflowTemplateRef`): Argo then takes workflow-level
 * settings such as ttlStrategy and podGC from that template, which the rules check on its own.
 */
export function referencesTemplate(spec: Record<string, unknown>): boolean {
  return spec.workflowTemplateRef !== undefined;
}
