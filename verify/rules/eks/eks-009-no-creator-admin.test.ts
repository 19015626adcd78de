import { EKS_009 } from './eks-009-no-creator-admin';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const FLAG = 'resource.aws_eks_cluster.cluster.access_config.bootstrap_cluster_creator_admin_permissions';
const run =
  (edits: Edits = {}) =>
  () =>
    EKS_009.evaluate(distResource('dev-cluster', 'aws_eks_cluster.cluster', edits));

ruleTests(EKS_009, {
  compliant: [{ name: 'the real cluster', result: run() }],
  nonCompliant: [
    { name: 'creator admin on', result: run({ [FLAG]: true }), message: /is not false/ },
    { name: 'left at the default', result: run({ [FLAG]: undefined }) },
  ],
});
