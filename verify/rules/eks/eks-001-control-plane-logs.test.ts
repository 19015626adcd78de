import { EKS_001 } from './eks-001-control-plane-logs';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const CLUSTER = 'aws_eks_cluster.cluster';
const run =
  (edits: Edits = {}) =>
  () =>
    EKS_001.evaluate(distResource('dev-cluster', CLUSTER, edits));

ruleTests(EKS_001, {
  compliant: [{ name: 'the real cluster', result: run() }],
  nonCompliant: [
    {
      name: 'audit log off',
      result: run({ [`resource.${CLUSTER}.enabled_cluster_log_types`]: ['api', 'authenticator'] }),
      message: /lacks audit/,
    },
    {
      name: 'no logs',
      result: run({ [`resource.${CLUSTER}.enabled_cluster_log_types`]: undefined }),
      message: /api, audit, authenticator/,
    },
  ],
});
