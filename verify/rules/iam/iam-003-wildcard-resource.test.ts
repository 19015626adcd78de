import { IAM_003 } from './iam-003-wildcard-resource';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const POLICY = 'aws_iam_role_policy.load_balancer_controller_policy';
const DOC = 'data.aws_iam_policy_document.load_balancer_controller_policy_document';
const run =
  (edits: Edits = {}) =>
  () =>
    IAM_003.evaluate(distResource('dev-workloads', POLICY, edits));

ruleTests(IAM_003, {
  compliant: [{ name: 'the real load balancer controller policy (describe calls on "*")', result: run() }],
  nonCompliant: [
    {
      name: 'a scoped action granted on "*"',
      result: run({ [`${DOC}.statement.0.resources`]: ['*'] }),
      message: /grants iam:CreateServiceLinkedRole on "\*"/,
    },
    {
      // infra/'s allow-list has it; verify's own list does not (the reference gives it the log-group resource type).
      name: 'an action only infra/ allows on "*"',
      result: run({
        [`${DOC}.statement.0.actions`]: ['logs:DescribeLogGroups'],
        [`${DOC}.statement.0.resources`]: ['*'],
      }),
      message: /grants logs:DescribeLogGroups on "\*"/,
    },
  ],
  notApplicable: [
    {
      name: 'the real key policy (a resource policy: "*" means the key)',
      result: () => IAM_003.evaluate(distResource('dev-foundation', 'aws_kms_key.project_key')),
    },
  ],
});
