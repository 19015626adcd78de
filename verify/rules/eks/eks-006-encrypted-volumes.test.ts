import { EKS_006 } from './eks-006-encrypted-volumes';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const LT = 'resource.aws_launch_template.system_nodes_launch_template';
const run =
  (edits: Edits = {}) =>
  () =>
    EKS_006.evaluate(distResource('prod-cluster', 'aws_launch_template.system_nodes_launch_template', edits));

ruleTests(EKS_006, {
  compliant: [{ name: 'the real system node launch template', result: run() }],
  nonCompliant: [
    {
      name: 'unencrypted root volume',
      result: run({ [`${LT}.block_device_mappings.0.ebs.encrypted`]: 'false' }),
      message: /\/dev\/xvda: ebs\.encrypted is not true/,
    },
    {
      name: 'AWS managed key',
      result: run({ [`${LT}.block_device_mappings.0.ebs.kms_key_id`]: undefined }),
      message: /kms_key_id/,
    },
    {
      name: 'no block device mappings',
      result: run({ [`${LT}.block_device_mappings`]: undefined }),
      message: /declare the root volume/,
    },
  ],
});
