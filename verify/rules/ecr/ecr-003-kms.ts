import { block, show, text } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** ECR-003: images are encrypted with the project key. */
export const ECR_003: TerraformRule = {
  id: 'ECR-003',
  info: 'ECR repositories encrypt with KMS and a named key (encryption_type KMS, kms_key)',
  rationale:
    'The default AES256 encryption cannot be audited or revoked per key; the project key puts image layers (which ' +
    'may embed job code) under the same key policy as the data.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_ecr_repository') return notApplicable();
    const encryption = block(resource.values.encryption_configuration);
    const failures: string[] = [];
    if (encryption.encryption_type !== 'KMS')
      failures.push(`encryption_type is ${show(encryption.encryption_type ?? 'AES256 (default)')}`);
    else if (text(encryption.kms_key) === undefined) failures.push('kms_key is not set (AWS managed key)');
    return verdict(failures);
  },
};
