import { strings } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

const ATTACHMENTS = new Set([
  'aws_iam_role_policy_attachment',
  'aws_iam_user_policy_attachment',
  'aws_iam_group_policy_attachment',
  'aws_iam_policy_attachment',
]);

/** AWS managed policies that grant administrator or whole-service rights. */
const BROAD =
  /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?(AdministratorAccess|PowerUserAccess|IAMFullAccess|[A-Za-z0-9]+FullAccess)$/;

/** IAM-008: no role gets an administrator or full-access AWS managed policy. */
export const IAM_008: TerraformRule = {
  id: 'IAM-008',
  info: 'No AdministratorAccess, PowerUserAccess or *FullAccess AWS managed policy is attached',
  rationale:
    "These managed policies bypass the kit's least-privilege statements: they grant whole services (or all of AWS) " +
    'on every resource of the account.',
  appliesTo: 'terraform',
  evaluate(resource) {
    const arns =
      resource.type === 'aws_iam_role'
        ? strings(resource.values.managed_policy_arns)
        : ATTACHMENTS.has(resource.type)
          ? strings(resource.values.policy_arn)
          : undefined;
    if (arns === undefined) return notApplicable();
    if (arns.length === 0) return notApplicable();
    return verdict(
      arns.filter((a) => BROAD.test(a)).map((a) => `attaches ${a}; write a least-privilege policy`),
    );
  },
};
