import { evaluatePods } from '../lib/pods';
import { show } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';

/** POD-003: pods do not mount node directories. */
export const POD_003: KubernetesRule = {
  id: 'POD-003',
  info: 'No pod mounts a hostPath volume',
  rationale:
    "A hostPath mount reads or writes the node's file system (kubelet credentials, other pods' data, the container " +
    'runtime socket); use emptyDir or a persistent volume.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    return evaluatePods(object, (pod) =>
      pod.volumes
        .filter((v) => v.hostPath !== undefined)
        .map((v) => `${pod.where}: volume ${show(v.name)} is a hostPath`),
    );
  },
};
