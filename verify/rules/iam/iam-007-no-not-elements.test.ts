import { IAM_007 } from './iam-007-no-not-elements';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const POLICY = 'aws_iam_role_policy.fluent_bit_policy';
const DOC = 'data.aws_iam_policy_document.fluent_bit_policy_document';
const run =
  (edits: Edits = {}) =>
  () =>
    IAM_007.evaluate(distResource('dev-workloads', POLICY, edits));

ruleTests(IAM_007, {
  compliant: [{ name: 'the real Fluent Bit policy', result: run() }],
  nonCompliant: [
    {
      name: 'an Allow with not_actions',
      result: run({
        [`${DOC}.statement.0.not_actions`]: ['iam:*'],
        [`${DOC}.statement.0.actions`]: undefined,
      }),
      message: /allows by NotAction/,
    },
    {
      name: 'an Allow with not_resources',
      result: run({ [`${DOC}.statement.0.not_resources`]: ['arn:aws:s3:::x'] }),
      message: /allows by NotResource/,
    },
  ],
});
