import { evaluateContainers } from '../lib/pods';
import type { KubernetesRule } from '../lib/rule';

/** POD-007: processes cannot gain more privileges than their parent. */
export const POD_007: KubernetesRule = {
  id: 'POD-007',
  info: 'Every container sets allowPrivilegeEscalation false',
  rationale:
    'Kubernetes allows escalation by default, so a setuid binary in the image can regain root; the flag sets ' +
    'no_new_privs. Pod Security "restricted" requires it.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    return evaluateContainers(object, (_pod, c) =>
      c.securityContext.allowPrivilegeEscalation === false
        ? undefined
        : 'allowPrivilegeEscalation is not false',
    );
  },
};
