import { companionsOf, bucketPurpose } from '../lib/s3';
import { text } from '../lib/values';
import type { ObjectResult, TerraformStackRule } from '../lib/rule';

/** S3-005: every bucket except the access-logs bucket itself writes server access logs. */
export const S3_005: TerraformStackRule = {
  id: 'S3-005',
  info: 'Every bucket except the access-logs bucket has server access logging (aws_s3_bucket_logging) with a prefix',
  rationale:
    'Access logs record every request (who read which object) for incident response; CloudTrail data events are ' +
    'not enabled by the kit. The logs bucket does not log itself, which would loop.',
  appliesTo: 'terraform-stack',
  evaluate(stack) {
    return stack.resources
      .filter((r) => r.type === 'aws_s3_bucket')
      .map((bucket): ObjectResult => {
        if (bucketPurpose(text(bucket.values.bucket), bucket.address) === 'logs') {
          return { object: bucket.address, status: 'not-applicable' };
        }
        const logging = companionsOf(stack, bucket, 'aws_s3_bucket_logging');
        if (logging.length === 0) {
          return {
            object: bucket.address,
            status: 'non-compliant',
            message: 'no aws_s3_bucket_logging for this bucket; log to the access-logs bucket',
          };
        }
        const incomplete = logging.filter(
          (l) => text(l.values.target_bucket) === undefined || text(l.values.target_prefix) === undefined,
        );
        return incomplete.length === 0
          ? { object: bucket.address, status: 'compliant' }
          : {
              object: bucket.address,
              status: 'non-compliant',
              message: `${incomplete[0].address} lacks target_bucket or target_prefix`,
            };
      });
  },
};
