import { RBAC_002 } from './rbac-002-no-cluster-admin';
import type { Edits } from '../testing';
import { distObject, k8s, ruleTests } from '../testing';

const run =
  (edits: Edits = {}) =>
  () =>
    RBAC_002.evaluate(distObject('prod/prod-spark-jobs-access/RoleBinding.argo-workflow.yaml', edits));

ruleTests(RBAC_002, {
  compliant: [{ name: 'the real Argo workflow RoleBinding', result: run() }],
  nonCompliant: [
    {
      name: 'the RoleBinding pointed at cluster-admin',
      result: run({
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      }),
      message: /binds cluster-admin/,
    },
    {
      name: 'a ClusterRoleBinding to cluster-admin',
      result: () =>
        RBAC_002.evaluate(
          k8s({
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: 'x' },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
            subjects: [{ kind: 'ServiceAccount', name: 'argo-workflow', namespace: 'spark-jobs' }],
          }),
        ),
    },
  ],
});
