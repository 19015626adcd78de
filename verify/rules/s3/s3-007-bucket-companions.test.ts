import { S3_007 } from './s3-007-bucket-companions';
import { distStack, resultFor, ruleTests, stack } from '../testing';

const run =
  (bucket: string, edits = {}) =>
  () =>
    resultFor(S3_007.evaluate(distStack('dev-data', edits)), bucket);

ruleTests(S3_007, {
  compliant: [
    { name: 'the real data lake bucket', result: run('aws_s3_bucket.datalake_bucket') },
    {
      name: 'the real Athena results bucket (no versioning needed)',
      result: run('aws_s3_bucket.athena_results_bucket'),
    },
  ],
  nonCompliant: [
    {
      name: 'the real data lake without public access block and versioning',
      result: run('aws_s3_bucket.datalake_bucket', {
        'resource.aws_s3_bucket_public_access_block.datalake_bucket_public_access_block': undefined,
        'resource.aws_s3_bucket_versioning.datalake_bucket_versioning': undefined,
      }),
      message: /missing aws_s3_bucket_public_access_block, aws_s3_bucket_versioning/,
    },
    {
      name: 'a bare bucket',
      result: () =>
        resultFor(S3_007.evaluate(stack({ aws_s3_bucket: { b: { bucket: 'b' } } })), 'aws_s3_bucket.b'),
      message:
        /missing aws_s3_bucket_public_access_block, aws_s3_bucket_server_side_encryption_configuration/,
    },
  ],
});
