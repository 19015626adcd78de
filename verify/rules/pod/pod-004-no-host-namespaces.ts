import { evaluatePods } from '../lib/pods';
import type { KubernetesRule } from '../lib/rule';

/** POD-004: pods stay in their own network, PID and IPC namespaces. */
export const POD_004: KubernetesRule = {
  id: 'POD-004',
  info: 'No pod uses hostNetwork, hostPID or hostIPC',
  rationale:
    'Host namespaces let a pod see and reach node processes and interfaces, including the instance metadata ' +
    'service with the node role (hop limit 1 no longer protects it).',
  appliesTo: 'kubernetes',
  evaluate(object) {
    return evaluatePods(object, (pod) =>
      (['hostNetwork', 'hostPID', 'hostIPC'] as const)
        .filter((f) => pod[f])
        .map((f) => `${pod.where}: ${f} is true`),
    );
  },
};
