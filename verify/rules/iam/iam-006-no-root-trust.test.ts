import { IAM_006 } from './iam-006-no-root-trust';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const ROLE = 'aws_iam_role.arc_runtime_build_role';
const TRUST = 'data.aws_iam_policy_document.arc_runtime_build_role_trust';
const run =
  (edits: Edits = {}) =>
  () =>
    IAM_006.evaluate(distResource('dev-registry', ROLE, edits));

ruleTests(IAM_006, {
  compliant: [{ name: 'the real CodeBuild role (service principal)', result: run() }],
  nonCompliant: [
    {
      name: 'trusting an account root',
      result: run({
        [`${TRUST}.statement.0.principals`]: [
          { type: 'AWS', identifiers: ['arn:aws:iam::111122223333:root'] },
        ],
      }),
      message: /trusts the account root arn:aws:iam::111122223333:root/,
    },
    {
      name: 'trusting a bare account id',
      result: run({ [`${TRUST}.statement.0.principals`]: [{ type: 'AWS', identifiers: ['111122223333'] }] }),
      message: /account root 111122223333/,
    },
    {
      name: 'trusting everyone',
      result: run({ [`${TRUST}.statement.0.principals`]: [{ type: '*', identifiers: ['*'] }] }),
      message: /trusts "\*"/,
    },
  ],
});
