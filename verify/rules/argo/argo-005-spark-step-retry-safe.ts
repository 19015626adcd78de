import { formatPath } from '../../problem';
import { workflowSpecOf } from '../lib/argo';
import { blocks, record, show } from '../lib/values';
import { parseYamlObjects } from '../../dist';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** SparkApplication states the Spark Operator leaves again by itself (it resubmits, or reads the driver again). */
const TRANSIENT_STATES = ['SUBMISSION_FAILED', 'UNKNOWN', 'PENDING_RERUN', 'FAILING', 'INVALIDATING'];

/** The first document of an embedded manifest when it is a mapping without syntax errors (parsed once per text). */
function firstObject(manifest: string): Record<string, unknown> {
  const [first] = parseYamlObjects(manifest).objects;
  return first?.index === 0 ? first.object : {};
}

function embeddedKind(manifest: unknown): string | undefined {
  if (typeof manifest !== 'string') return undefined;
  const value = firstObject(manifest);
  return typeof value.kind === 'string' ? value.kind : undefined;
}

function embeddedName(manifest: string): string {
  return show(record(firstObject(manifest).metadata).name);
}

/** ARGO-005: a step that runs a SparkApplication fails only on its final state and can be retried. */
export const ARGO_005: KubernetesRule = {
  id: 'ARGO-005',
  info:
    'Argo resource templates of SparkApplications fail only on FAILED and are retry-safe (apply, or a name with ' +
    '{{retries}})',
  rationale:
    'The Spark Operator retries failed submissions and recovers UNKNOWN drivers itself; a failureCondition on those ' +
    'states ends runs it was about to recover. A retried `create` of a fixed name fails on AlreadyExists (or, with a ' +
    'new name, starts a second copy of a job that may still be running); `apply` re-attaches to the application.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const found = workflowSpecOf(object.manifest);
    if (found === undefined) return notApplicable();
    const failures: string[] = [];
    let steps = 0;
    blocks(found.spec.templates).forEach((t, i) => {
      const resource = record(t.resource);
      if (embeddedKind(resource.manifest) !== 'SparkApplication') return;
      steps += 1;
      const where = `${found.at}.${formatPath(['templates', i])} (${show(t.name)})`;
      const condition = typeof resource.failureCondition === 'string' ? resource.failureCondition : '';
      if (!/\bFAILED\b/.test(condition.replace(/SUBMISSION_FAILED/g, ''))) {
        failures.push(
          `${where}.resource.failureCondition does not end the step on FAILED: ${show(condition)}`,
        );
      }
      const transient = TRANSIENT_STATES.filter((state) => new RegExp(`\\b${state}\\b`).test(condition));
      if (transient.length > 0) {
        failures.push(
          `${where}.resource.failureCondition fails on ${transient.join(', ')}, which the operator retries or ` +
            'recovers from; fail on FAILED only',
        );
      }
      const retried = t.retryStrategy !== undefined || found.spec.retryStrategy !== undefined;
      const action = show(resource.action);
      if (retried && action !== 'apply' && !embeddedName(show(resource.manifest)).includes('{{retries}}')) {
        failures.push(
          `${where} is retried but its action is ${action} with a fixed name; use action: apply (or put ` +
            '{{retries}} in metadata.name)',
        );
      }
    });
    if (steps === 0) return notApplicable('no SparkApplication step');
    return verdict(failures);
  },
};
