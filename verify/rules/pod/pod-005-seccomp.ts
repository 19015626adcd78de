import { effective, evaluateContainers } from '../lib/pods';
import { record, show } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';

/** POD-005: the runtime's default seccomp profile filters system calls. */
export const POD_005: KubernetesRule = {
  id: 'POD-005',
  info: 'Every container runs with seccompProfile type RuntimeDefault (container or pod securityContext)',
  rationale:
    'Without a profile containers run Unconfined and can call every system call, including the ones most kernel ' +
    'exploits use. Pod Security "restricted" requires it.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    return evaluateContainers(object, (pod, c) => {
      const type = record(effective(pod, c, 'seccompProfile')).type;
      return type === 'RuntimeDefault'
        ? undefined
        : `seccompProfile.type is ${show(type ?? 'unset (Unconfined)')}`;
    });
  },
};
