import { conditionValues, statementName } from '../lib/iam-policy';
import { trustPolicy } from '../lib/iam-rules';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** The EKS Pod Identity service principal. */
const POD_IDENTITY = 'pods.eks.amazonaws.com';

/** IAM-005: a Pod Identity role is assumable only on behalf of this account's clusters. */
export const IAM_005: TerraformRule = {
  id: 'IAM-005',
  info: 'Pod Identity trust (pods.eks.amazonaws.com) requires aws:SourceAccount equal to this account',
  rationale:
    'The EKS pods service principal acts for every EKS customer; without aws:SourceAccount a cluster in another ' +
    'account with an association to this role ARN could obtain its credentials (confused deputy).',
  appliesTo: 'terraform',
  evaluate(resource) {
    const trust = trustPolicy(resource);
    if (trust === undefined) return notApplicable();
    if (trust.error !== undefined) return verdict([trust.error]);
    const accounts = resource.lookup.accountIds;
    const podIdentity = trust.statements
      .map((s, i) => ({ s, i }))
      .filter(
        ({ s }) =>
          s.effect === 'Allow' &&
          s.principals.some((p) => p.type === 'Service' && p.identifiers.includes(POD_IDENTITY)),
      );
    if (podIdentity.length === 0) return notApplicable('not a Pod Identity role');
    return verdict(
      podIdentity.flatMap(({ s, i }) => {
        const source = conditionValues(s, ['StringEquals'], 'aws:SourceAccount');
        return source.length > 0 && source.every((a) => accounts.includes(a))
          ? []
          : [
              `${statementName(s, i)}: no StringEquals aws:SourceAccount = ${accounts.join(', ') || 'this account'}`,
            ];
      }),
    );
  },
};
