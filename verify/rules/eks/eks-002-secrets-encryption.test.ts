import { EKS_002 } from './eks-002-secrets-encryption';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const CLUSTER = 'aws_eks_cluster.cluster';
const run =
  (edits: Edits = {}) =>
  () =>
    EKS_002.evaluate(distResource('prod-cluster', CLUSTER, edits));

ruleTests(EKS_002, {
  compliant: [{ name: 'the real cluster', result: run() }],
  nonCompliant: [
    {
      name: 'no encryption_config',
      result: run({ [`resource.${CLUSTER}.encryption_config`]: undefined }),
      message: /no encryption_config/,
    },
    { name: 'no key', result: run({ [`resource.${CLUSTER}.encryption_config.provider`]: undefined }) },
  ],
});
