import { isTrue, show } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** KMS-001: symmetric keys rotate their key material. */
export const KMS_001: TerraformRule = {
  id: 'KMS-001',
  info: 'Symmetric KMS keys have automatic rotation enabled',
  rationale:
    'Rotation limits how much data one key version protects and is required by most compliance baselines; it is ' +
    'off by default and costs nothing for data already encrypted (old versions stay usable).',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_kms_key') return notApplicable();
    const spec = resource.values.customer_master_key_spec ?? 'SYMMETRIC_DEFAULT';
    if (spec !== 'SYMMETRIC_DEFAULT') return notApplicable(`${show(spec)} keys cannot rotate automatically`);
    return verdict(isTrue(resource.values.enable_key_rotation) ? [] : ['enable_key_rotation is not true']);
  },
};
