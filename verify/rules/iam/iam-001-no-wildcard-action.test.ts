import { IAM_001 } from './iam-001-no-wildcard-action';
import type { Edits } from '../testing';
import { distResource, resource, ruleTests } from '../testing';

const POLICY = 'aws_iam_role_policy.spark_job_runner_policy';
const DOC = 'data.aws_iam_policy_document.spark_job_runner_policy_document';
const run =
  (edits: Edits = {}) =>
  () =>
    IAM_001.evaluate(distResource('dev-workloads', POLICY, edits));

ruleTests(IAM_001, {
  compliant: [
    { name: 'the real Spark job runner policy', result: run() },
    {
      name: 'a Deny of everything',
      result: () =>
        IAM_001.evaluate(
          resource('aws_iam_policy', {
            policy: JSON.stringify({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }),
          }),
        ),
    },
  ],
  nonCompliant: [
    {
      name: 'the real policy granting "*"',
      result: run({ [`${DOC}.statement.0.actions`]: ['*'] }),
      message: /statement ReadJobAssets: grants action "\*"/,
    },
    {
      name: 'a policy verify cannot resolve',
      result: run({ [`resource.${POLICY}.policy`]: '${data.aws_iam_policy_document.elsewhere.json}' }),
      message: /not an aws_iam_policy_document of this stack/,
    },
  ],
  notApplicable: [{ name: 'a bucket', result: () => IAM_001.evaluate(resource('aws_s3_bucket', {})) }],
});
