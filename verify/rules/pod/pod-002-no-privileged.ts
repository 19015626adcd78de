import { evaluateContainers } from '../lib/pods';
import type { KubernetesRule } from '../lib/rule';

/** POD-002: no privileged containers. */
export const POD_002: KubernetesRule = {
  id: 'POD-002',
  info: 'No container is privileged',
  rationale: 'A privileged container has every capability and all host devices: it is the node.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    return evaluateContainers(object, (_pod, c) =>
      c.securityContext.privileged === true ? 'securityContext.privileged is true' : undefined,
    );
  },
};
