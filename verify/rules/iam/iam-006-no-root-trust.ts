import { accountRoot, grantsEveryone, statementName } from '../lib/iam-policy';
import { trustPolicy } from '../lib/iam-rules';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** IAM-006: no role trusts a whole account (its root) or everyone. */
export const IAM_006: TerraformRule = {
  id: 'IAM-006',
  info: 'No role trust policy allows an account root (arn:…:root or an account id) or "*"',
  rationale:
    'Trusting an account root delegates the decision to every IAM user and role of that account that has ' +
    'sts:AssumeRole on "*"; trust the specific role, service or OIDC provider instead.',
  appliesTo: 'terraform',
  evaluate(resource) {
    const trust = trustPolicy(resource);
    if (trust === undefined) return notApplicable();
    if (trust.error !== undefined) return verdict([trust.error]);
    return verdict(
      trust.statements.flatMap((s, i) => {
        if (s.effect !== 'Allow') return [];
        if (grantsEveryone(s.principals)) return [`${statementName(s, i)} trusts "*"`];
        return s.principals
          .filter((p) => p.type === 'AWS')
          .flatMap((p) => p.identifiers.filter((id) => accountRoot(id) !== undefined))
          .map((id) => `${statementName(s, i)} trusts the account root ${id}; trust a specific role`);
      }),
    );
  },
};
