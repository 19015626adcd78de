import { isBinding, roleRef } from '../lib/rbac';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** RBAC-002: nothing the kit deploys binds cluster-admin. */
export const RBAC_002: KubernetesRule = {
  id: 'RBAC-002',
  info: 'No RoleBinding or ClusterRoleBinding refers to the cluster-admin ClusterRole',
  rationale:
    'cluster-admin is unrestricted superuser access; cluster administrators get it through EKS access entries ' +
    '(declared in Terraform), never through a binding in dist/k8s.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    if (!isBinding(object.manifest)) return notApplicable();
    const ref = roleRef(object.manifest);
    return verdict(ref.kind === 'ClusterRole' && ref.name === 'cluster-admin' ? ['binds cluster-admin'] : []);
  },
};
