import { EKS_004 } from './eks-004-authentication-mode';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const MODE = 'resource.aws_eks_cluster.cluster.access_config.authentication_mode';
const run =
  (edits: Edits = {}) =>
  () =>
    EKS_004.evaluate(distResource('dev-cluster', 'aws_eks_cluster.cluster', edits));

ruleTests(EKS_004, {
  compliant: [{ name: 'the real cluster', result: run() }],
  nonCompliant: [
    {
      name: 'API_AND_CONFIG_MAP',
      result: run({ [MODE]: 'API_AND_CONFIG_MAP' }),
      message: /API_AND_CONFIG_MAP; use API/,
    },
    { name: 'unset', result: run({ [MODE]: undefined }), message: /CONFIG_MAP/ },
  ],
});
