import { IAM_004 } from './iam-004-irsa-trust';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const ROLE = 'aws_iam_role.spark_job_runner';
const TRUST = 'data.aws_iam_policy_document.spark_job_runner_trust';
const run =
  (edits: Edits = {}) =>
  () =>
    IAM_004.evaluate(distResource('dev-workloads', ROLE, edits));

ruleTests(IAM_004, {
  compliant: [{ name: 'the real Spark job runner role', result: run() }],
  nonCompliant: [
    {
      name: 'the aud condition removed',
      result: run({
        [`${TRUST}.statement.0.condition`]: [
          {
            test: 'StringEquals',
            variable: 'x:sub',
            values: ['system:serviceaccount:spark-jobs:spark-job-runner'],
          },
        ],
      }),
      message: /aud = sts\.amazonaws\.com/,
    },
    {
      name: 'sub matched with StringLike and a wildcard',
      result: run({
        [`${TRUST}.statement.0.condition.0.test`]: 'StringLike',
        [`${TRUST}.statement.0.condition.0.values`]: ['system:serviceaccount:spark-jobs:*'],
      }),
      message: /no StringEquals condition on <issuer>:sub/,
    },
  ],
  notApplicable: [
    {
      name: 'a Pod Identity role',
      result: () => IAM_004.evaluate(distResource('dev-workloads', 'aws_iam_role.karpenter')),
    },
  ],
});
