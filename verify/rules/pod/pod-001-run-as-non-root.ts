import { effective, evaluateContainers } from '../lib/pods';
import { numeric } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';

/** POD-001: containers never run as root. */
export const POD_001: KubernetesRule = {
  id: 'POD-001',
  info: 'Every container runs with runAsNonRoot true (container or pod securityContext) and not as UID 0',
  rationale:
    "Root in a container is root on the node's kernel with only namespaces in between; a container escape or a " +
    'writable host mount then owns the node. Pod Security "restricted" requires it.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    return evaluateContainers(object, (pod, c) => {
      if (numeric(effective(pod, c, 'runAsUser')) === 0) return 'runAsUser is 0';
      return effective(pod, c, 'runAsNonRoot') === true ? undefined : 'runAsNonRoot is not true';
    });
  },
};
