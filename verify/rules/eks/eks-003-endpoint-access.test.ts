import { EKS_003 } from './eks-003-endpoint-access';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const VPC = 'resource.aws_eks_cluster.cluster.vpc_config';
const run =
  (edits: Edits = {}) =>
  () =>
    EKS_003.evaluate(distResource('dev-cluster', 'aws_eks_cluster.cluster', edits));

ruleTests(EKS_003, {
  compliant: [
    { name: 'the real cluster (private endpoint)', result: run() },
    {
      name: 'public endpoint restricted to an office range',
      result: run({
        [`${VPC}.endpoint_public_access`]: true,
        [`${VPC}.public_access_cidrs`]: ['203.0.113.0/24'],
      }),
    },
  ],
  nonCompliant: [
    {
      name: 'public endpoint left at its default',
      result: run({ [`${VPC}.endpoint_public_access`]: undefined }),
      message: /open to 0\.0\.0\.0\/0/,
    },
    {
      name: 'public endpoint open to the internet',
      result: run({ [`${VPC}.endpoint_public_access`]: true, [`${VPC}.public_access_cidrs`]: ['0.0.0.0/0'] }),
      message: /includes 0\.0\.0\.0\/0/,
    },
  ],
});
