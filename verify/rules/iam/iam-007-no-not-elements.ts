import { evaluateStatements } from '../lib/iam-rules';
import type { TerraformRule } from '../lib/rule';

/** IAM-007: no Allow statement is written by exclusion. */
export const IAM_007: TerraformRule = {
  id: 'IAM-007',
  info: 'No Allow statement uses NotAction, NotResource or NotPrincipal',
  rationale:
    'An Allow with NotAction or NotResource grants everything except a list, including actions and resources ' +
    'created later; NotPrincipal with Allow grants every other principal.',
  appliesTo: 'terraform',
  evaluate(resource) {
    return evaluateStatements(resource, ['identity', 'trust', 'resource'], (s) => {
      if (s.effect !== 'Allow') return [];
      return [
        ...(s.notActions.length > 0 ? ['allows by NotAction'] : []),
        ...(s.notResources.length > 0 ? ['allows by NotResource'] : []),
        ...(s.notPrincipals.length > 0 ? ['allows by NotPrincipal'] : []),
      ];
    });
  },
};
