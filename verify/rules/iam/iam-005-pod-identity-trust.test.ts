import { IAM_005 } from './iam-005-pod-identity-trust';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const ROLE = 'aws_iam_role.argo_workflow';
const TRUST = 'data.aws_iam_policy_document.argo_workflow_trust';
const run =
  (edits: Edits = {}) =>
  () =>
    IAM_005.evaluate(distResource('dev-workloads', ROLE, edits));

ruleTests(IAM_005, {
  compliant: [{ name: 'the real Argo workflow role', result: run() }],
  nonCompliant: [
    {
      name: 'without aws:SourceAccount',
      result: run({ [`${TRUST}.statement.0.condition`]: [] }),
      message: /no StringEquals aws:SourceAccount = 111122223333/,
    },
    {
      name: 'another account',
      result: run({ [`${TRUST}.statement.0.condition.0.values`]: ['999999999999'] }),
      message: /aws:SourceAccount/,
    },
  ],
  notApplicable: [
    {
      name: 'an IRSA role',
      result: () => IAM_005.evaluate(distResource('dev-workloads', 'aws_iam_role.spark_job_runner')),
    },
  ],
});
