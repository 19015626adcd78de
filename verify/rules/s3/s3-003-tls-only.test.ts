import { S3_003 } from './s3-003-tls-only';
import { distResource, resource, ruleTests } from '../testing';

const POLICY = 'aws_s3_bucket_policy.assets_bucket_policy';
const DOC = 'data.aws_iam_policy_document.assets_bucket_policy_document';
const run =
  (edits = {}) =>
  () =>
    S3_003.evaluate(distResource('dev-foundation', POLICY, edits));

const jsonPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});

ruleTests(S3_003, {
  compliant: [
    { name: 'the real assets bucket policy', result: run() },
    {
      name: 'a literal JSON policy',
      result: () => S3_003.evaluate(resource('aws_s3_bucket_policy', { bucket: 'b', policy: jsonPolicy })),
    },
  ],
  nonCompliant: [
    {
      name: 'the real policy without its TLS deny',
      result: run({ [`${DOC}.statement`]: [] }),
      message: /no statement denies/,
    },
    {
      name: 'the TLS deny only on objects',
      result: run({ [`${DOC}.statement.0.resources`]: ['${aws_s3_bucket.assets_bucket.arn}/*'] }),
      message: /does not cover the bucket itself/,
    },
    {
      name: 'a policy that is an expression',
      result: () =>
        S3_003.evaluate(resource('aws_s3_bucket_policy', { bucket: 'b', policy: '${jsonencode({})}' })),
      message: /cannot be read offline/,
    },
  ],
});
