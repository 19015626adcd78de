import type { Statement } from '../lib/iam-policy';
import { conditionValues, resolvePolicy, statementName } from '../lib/iam-policy';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** Condition keys that tie a service principal's use of the key to this account or a resource of it. */
const SCOPING_KEYS =
  /^(aws:SourceAccount|aws:SourceArn|aws:SourceOwner|kms:CallerAccount|kms:ViaService|kms:EncryptionContext:.+|kms:GrantIsForAWSResource)$/i;

function principalFailures(statement: Statement, accounts: readonly string[]): string[] {
  const failures: string[] = [];
  for (const principal of statement.principals) {
    for (const id of principal.identifiers) {
      if (principal.type === 'AWS' && id === '*') {
        const callers = conditionValues(statement, ['StringEquals'], 'kms:CallerAccount');
        if (callers.length === 0 || callers.some((a) => !accounts.includes(a))) {
          failures.push('grants AWS "*" without a kms:CallerAccount StringEquals condition on this account');
        }
      } else if (principal.type === 'AWS' || principal.type === '*') {
        const account =
          /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(id)?.[1] ?? (/^\d{12}$/.test(id) ? id : undefined);
        const sameStack = /^\$\{aws_iam_[a-z_]+\.[\w-]+\.arn\}$/.test(id);
        if (!sameStack && (account === undefined || !accounts.includes(account))) {
          failures.push(
            `grants ${id}, which is not in this account (${accounts.join(', ') || 'unknown: set allowed_account_ids'})`,
          );
        }
      } else if (principal.type === 'Service') {
        if (!statement.conditions.some((c) => SCOPING_KEYS.test(c.variable))) {
          failures.push(
            `grants service ${id} without a condition scoping it to this account or its resources`,
          );
        }
      } else {
        failures.push(`grants a ${principal.type} principal`);
      }
    }
  }
  return failures;
}

/** KMS-003: the key policy trusts only this account, and services only under conditions. */
export const KMS_003: TerraformRule = {
  id: 'KMS-003',
  info: 'KMS key policy allows only principals of this account, "*" only with kms:CallerAccount, and services only with a scoping condition',
  rationale:
    'The key policy is the only gate on a KMS key: a principal of another account, or "*" without kms:CallerAccount, ' +
    'lets outsiders decrypt everything the key protects; a service principal without a condition can be used by any ' +
    "account's resources of that service (confused deputy).",
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_kms_key' && resource.type !== 'aws_kms_key_policy') return notApplicable();
    const value = resource.values.policy;
    if (value === undefined) return verdict([], 'default key policy (this account only)');
    const policy = resolvePolicy(value, resource.lookup);
    if (policy.error !== undefined) return verdict([`policy: ${policy.error}`]);
    const accounts = resource.lookup.accountIds;
    return verdict(
      policy.statements.flatMap((s, i) =>
        s.effect === 'Allow' ? principalFailures(s, accounts).map((f) => `${statementName(s, i)} ${f}`) : [],
      ),
    );
  },
};
