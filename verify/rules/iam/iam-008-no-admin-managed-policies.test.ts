import { IAM_008 } from './iam-008-no-admin-managed-policies';
import type { Edits } from '../testing';
import { distResource, resource, ruleTests } from '../testing';

const ATTACHMENT = 'aws_iam_role_policy_attachment.system_nodes_role_amazon_eksworker_node_policy';
const run =
  (edits: Edits = {}) =>
  () =>
    IAM_008.evaluate(distResource('dev-cluster', ATTACHMENT, edits));

ruleTests(IAM_008, {
  compliant: [{ name: 'the real worker node policy attachment', result: run() }],
  nonCompliant: [
    {
      name: 'AdministratorAccess attached',
      result: run({ [`resource.${ATTACHMENT}.policy_arn`]: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
      message: /AdministratorAccess/,
    },
    {
      name: 'a FullAccess policy in managed_policy_arns',
      result: () =>
        IAM_008.evaluate(
          resource('aws_iam_role', { managed_policy_arns: ['arn:aws:iam::aws:policy/AmazonS3FullAccess'] }),
        ),
      message: /AmazonS3FullAccess/,
    },
  ],
});
