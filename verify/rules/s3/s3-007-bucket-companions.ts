import { bucketPurpose, companionsOf } from '../lib/s3';
import { text } from '../lib/values';
import type { ObjectResult, TerraformStackRule } from '../lib/rule';

/** What every bucket needs beside it in the same stack. */
const REQUIRED = [
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_policy',
];

/** S3-007: each bucket comes with the resources the other S3 rules check, so none of them is silently skipped. */
export const S3_007: TerraformStackRule = {
  id: 'S3-007',
  info: 'Every aws_s3_bucket has a public access block, encryption, ownership controls and a policy (and versioning for data buckets) in its stack',
  rationale:
    'Since provider v4 these settings are separate resources: a bucket without one silently falls back to the AWS ' +
    'default, and the per-resource rules (S3-001 to S3-006) never see it. Rules judge one object at a time; this ' +
    'check makes sure the objects exist.',
  appliesTo: 'terraform-stack',
  evaluate(stack) {
    return stack.resources
      .filter((r) => r.type === 'aws_s3_bucket')
      .map((bucket): ObjectResult => {
        const purpose = bucketPurpose(text(bucket.values.bucket), bucket.address);
        const required = [
          ...REQUIRED,
          ...(purpose === 'assets' || purpose === 'datalake' ? ['aws_s3_bucket_versioning'] : []),
        ];
        const missing = required.filter((type) => companionsOf(stack, bucket, type).length === 0);
        return missing.length === 0
          ? { object: bucket.address, status: 'compliant' }
          : { object: bucket.address, status: 'non-compliant', message: `missing ${missing.join(', ')}` };
      });
  },
};
