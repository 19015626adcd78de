import { S3_001 } from './s3-001-encryption';
import { distResource, resource, ruleTests } from '../testing';

const run =
  (stack: string, address: string, edits = {}) =>
  () =>
    S3_001.evaluate(distResource(stack, address, edits));
const ASSETS = 'aws_s3_bucket_server_side_encryption_configuration.assets_bucket_encryption';
const LOGS = 'aws_s3_bucket_server_side_encryption_configuration.logs_bucket_encryption';

ruleTests(S3_001, {
  compliant: [
    { name: 'the real assets bucket uses the project key', result: run('dev-foundation', ASSETS) },
    { name: 'the real logs bucket uses AES256', result: run('dev-foundation', LOGS) },
    {
      name: 'a literal logs bucket name with AES256',
      result: () =>
        S3_001.evaluate(
          resource('aws_s3_bucket_server_side_encryption_configuration', {
            bucket: 'x-dev-logs-111122223333-eu-west-1',
            rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
          }),
        ),
    },
  ],
  nonCompliant: [
    {
      name: 'the real assets bucket switched to AES256',
      result: run('dev-foundation', ASSETS, {
        [`resource.${ASSETS}.rule`]: [
          { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
        ],
      }),
      message: /AES256 is only for the access-logs bucket/,
    },
    {
      name: 'the real data lake bucket with aws:kms but no key',
      result: run(
        'dev-data',
        'aws_s3_bucket_server_side_encryption_configuration.datalake_bucket_encryption',
        {
          'resource.aws_s3_bucket_server_side_encryption_configuration.datalake_bucket_encryption.rule': [
            { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } },
          ],
        },
      ),
      message: /without kms_master_key_id/,
    },
    {
      name: 'no rule at all',
      result: () =>
        S3_001.evaluate(resource('aws_s3_bucket_server_side_encryption_configuration', { bucket: 'b' })),
      message: /no rule/,
    },
  ],
  notApplicable: [
    { name: 'a bucket', result: () => S3_001.evaluate(resource('aws_s3_bucket', { bucket: 'b' })) },
  ],
});
