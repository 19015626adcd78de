import { evaluateStatements } from '../lib/iam-rules';
import type { TerraformRule } from '../lib/rule';

/** IAM-001: no policy allows every action. */
export const IAM_001: TerraformRule = {
  id: 'IAM-001',
  info: 'No Allow statement grants action "*" (identity, trust or resource policy)',
  rationale:
    'Action "*" grants every current and future API of every service: administrator rights on the resources named.',
  appliesTo: 'terraform',
  evaluate(resource) {
    return evaluateStatements(resource, ['identity', 'trust', 'resource'], (s) =>
      s.effect === 'Allow' && s.actions.includes('*') ? ['grants action "*"; list the actions needed'] : [],
    );
  },
};
