import { S3_006 } from './s3-006-ownership';
import { distResource, ruleTests } from '../testing';

const OWNERSHIP = 'aws_s3_bucket_ownership_controls.logs_bucket_ownership';
const run =
  (edits = {}) =>
  () =>
    S3_006.evaluate(distResource('dev-foundation', OWNERSHIP, edits));

ruleTests(S3_006, {
  compliant: [{ name: 'the real logs bucket', result: run() }],
  nonCompliant: [
    {
      name: 'ObjectWriter ownership',
      result: run({ [`resource.${OWNERSHIP}.rule.object_ownership`]: 'ObjectWriter' }),
      message: /ObjectWriter; use BucketOwnerEnforced/,
    },
  ],
});
