import { evaluateStatements } from '../lib/iam-rules';
import type { TerraformRule } from '../lib/rule';

/** IAM-002: no policy allows every action of a service. */
export const IAM_002: TerraformRule = {
  id: 'IAM-002',
  info: 'No Allow statement grants a whole service ("s3:*", "kms:*")',
  rationale:
    '"service:*" includes the destructive and permission-changing calls of that service (s3:PutBucketPolicy, ' +
    'kms:ScheduleKeyDeletion) and every action the service adds later.',
  appliesTo: 'terraform',
  evaluate(resource) {
    return evaluateStatements(resource, ['identity', 'trust', 'resource'], (s) =>
      s.effect === 'Allow'
        ? s.actions.filter((a) => /^[\w-]+:\*$/.test(a)).map((a) => `grants "${a}"; list the actions needed`)
        : [],
    );
  },
};
