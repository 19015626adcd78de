import { S3_002 } from './s3-002-public-access-block';
import { distResource, ruleTests } from '../testing';

const PAB = 'aws_s3_bucket_public_access_block.datalake_bucket_public_access_block';
const run =
  (edits = {}) =>
  () =>
    S3_002.evaluate(distResource('prod-data', PAB, edits));

ruleTests(S3_002, {
  compliant: [{ name: 'the real data lake public access block', result: run() }],
  nonCompliant: [
    {
      name: 'restrict_public_buckets false',
      result: run({ [`resource.${PAB}.restrict_public_buckets`]: false }),
      message: /restrict_public_buckets is not true/,
    },
    {
      name: 'block_public_policy left out (defaults to false)',
      result: run({ [`resource.${PAB}.block_public_policy`]: undefined }),
      message: /block_public_policy/,
    },
  ],
});
