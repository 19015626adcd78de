import { block, blocks, isTrue, show, text } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** EKS-006: node volumes are encrypted with the project key. */
export const EKS_006: TerraformRule = {
  id: 'EKS-006',
  info: 'Launch templates declare their EBS volumes encrypted with a KMS key',
  rationale:
    'Node root volumes hold container images, emptyDir data and Spark shuffle/spill files (table data); without an ' +
    'explicit mapping the AMI default applies, which is unencrypted unless the account enables EBS default encryption.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_launch_template') return notApplicable();
    const mappings = blocks(resource.values.block_device_mappings);
    if (mappings.length === 0) {
      return verdict([
        'no block_device_mappings: declare the root volume with encrypted = true and kms_key_id',
      ]);
    }
    return verdict(
      mappings.flatMap((m) => {
        const device = show(m.device_name ?? '(no device_name)');
        const ebs = block(m.ebs);
        if (Object.keys(ebs).length === 0) return [];
        return [
          ...(isTrue(ebs.encrypted) ? [] : [`${device}: ebs.encrypted is not true`]),
          ...(text(ebs.kms_key_id) === undefined
            ? [`${device}: ebs.kms_key_id is not set (AWS managed key)`]
            : []),
        ];
      }),
    );
  },
};
