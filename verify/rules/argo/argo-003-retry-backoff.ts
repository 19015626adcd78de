import { formatPath } from '../../problem';
import { workflowSpecOf } from '../lib/argo';
import { blocks, record, show } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** ARGO-003: retries back off. */
export const ARGO_003: KubernetesRule = {
  id: 'ARGO-003',
  info: 'Every Argo retryStrategy has a backoff with a duration',
  rationale:
    'Retries without backoff fire immediately: a job failing on a throttled API or a spot interruption fails again ' +
    'at once, burning its retries (and Spark start-up cost) in seconds.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const found = workflowSpecOf(object.manifest);
    if (found === undefined) return notApplicable();
    const strategies: { where: string; value: Record<string, unknown> }[] = [];
    if (found.spec.retryStrategy !== undefined) {
      strategies.push({ where: `${found.at}.retryStrategy`, value: record(found.spec.retryStrategy) });
    }
    const defaults = record(found.spec.templateDefaults);
    if (defaults.retryStrategy !== undefined) {
      strategies.push({
        where: `${found.at}.templateDefaults.retryStrategy`,
        value: record(defaults.retryStrategy),
      });
    }
    blocks(found.spec.templates).forEach((t, i) => {
      if (t.retryStrategy !== undefined) {
        strategies.push({
          where: `${found.at}.${formatPath(['templates', i])} (${show(t.name)}).retryStrategy`,
          value: record(t.retryStrategy),
        });
      }
    });
    if (strategies.length === 0) return notApplicable('no retryStrategy');
    return verdict(
      strategies
        .filter((s) => record(s.value.backoff).duration === undefined)
        .map((s) => `${s.where} has no backoff.duration`),
    );
  },
};
