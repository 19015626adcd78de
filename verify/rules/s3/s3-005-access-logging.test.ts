import { S3_005 } from './s3-005-access-logging';
import { distStack, resultFor, ruleTests } from '../testing';

const run =
  (stack: string, bucket: string, edits = {}) =>
  () =>
    resultFor(S3_005.evaluate(distStack(stack, edits)), bucket);

ruleTests(S3_005, {
  compliant: [
    {
      name: 'the real data lake logs to the logs bucket',
      result: run('dev-data', 'aws_s3_bucket.datalake_bucket'),
    },
    { name: 'the real assets bucket', result: run('dev-foundation', 'aws_s3_bucket.assets_bucket') },
  ],
  nonCompliant: [
    {
      name: 'the real data lake without its logging resource',
      result: run('dev-data', 'aws_s3_bucket.datalake_bucket', {
        'resource.aws_s3_bucket_logging.datalake_bucket_access_logs': undefined,
      }),
      message: /no aws_s3_bucket_logging/,
    },
    {
      name: 'logging without a target prefix',
      result: run('dev-data', 'aws_s3_bucket.datalake_bucket', {
        'resource.aws_s3_bucket_logging.datalake_bucket_access_logs.target_prefix': undefined,
      }),
      message: /target_prefix/,
    },
  ],
  notApplicable: [
    { name: 'the logs bucket itself', result: run('dev-foundation', 'aws_s3_bucket.logs_bucket') },
  ],
});
