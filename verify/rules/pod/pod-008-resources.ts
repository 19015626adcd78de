import { evaluateContainers } from '../lib/pods';
import type { KubernetesRule } from '../lib/rule';

/** POD-008: every container declares what it needs and a memory ceiling. */
export const POD_008: KubernetesRule = {
  id: 'POD-008',
  info: 'Every container sets CPU and memory requests and a memory limit (Spark: cores and memory)',
  rationale:
    'Requests let Karpenter size nodes and the scheduler place pods; a memory limit keeps one job from pushing its ' +
    'node into OOM and evicting others. CPU limits are optional: throttling Spark slows jobs without protecting anyone.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    return evaluateContainers(object, (_pod, c) => {
      const missing = [
        ...(c.resources.requests.cpu === undefined ? ['requests.cpu'] : []),
        ...(c.resources.requests.memory === undefined ? ['requests.memory'] : []),
        ...(c.resources.limits.memory === undefined ? ['limits.memory'] : []),
      ];
      return missing.length === 0 ? undefined : `resources lack ${missing.join(', ')}`;
    });
  },
};
