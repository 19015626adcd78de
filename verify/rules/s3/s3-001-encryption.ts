import { bucketTarget } from '../lib/s3';
import { block, blocks, text } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** S3-001: default encryption is SSE-KMS with a named key; SSE-S3 (AES256) only on the access-logs bucket. */
export const S3_001: TerraformRule = {
  id: 'S3-001',
  info: 'Bucket default encryption is SSE-KMS with the project key (AES256 only for the access-logs bucket)',
  rationale:
    'A customer managed key puts reads of the data behind a key policy and CloudTrail-logged KMS calls. S3 server ' +
    'access logging cannot deliver to an SSE-KMS bucket, so the logs bucket alone uses SSE-S3.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_s3_bucket_server_side_encryption_configuration') return notApplicable();
    const target = bucketTarget(resource);
    const rules = blocks(resource.values.rule);
    if (rules.length === 0) return verdict(['no rule: add apply_server_side_encryption_by_default']);
    const failures = rules.flatMap((rule, i) => {
      const defaults = block(rule.apply_server_side_encryption_by_default);
      const algorithm = text(defaults.sse_algorithm);
      if (algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') {
        return text(defaults.kms_master_key_id) === undefined
          ? [
              `rule[${i}]: ${algorithm} without kms_master_key_id uses the AWS managed key; name the project key`,
            ]
          : [];
      }
      if (algorithm === 'AES256' && target.purpose === 'logs') return [];
      return [
        `rule[${i}]: sse_algorithm is ${algorithm ?? 'missing'}; use aws:kms with the project key` +
          (algorithm === 'AES256' ? ' (AES256 is only for the access-logs bucket)' : ''),
      ];
    });
    return verdict(failures);
  },
};
