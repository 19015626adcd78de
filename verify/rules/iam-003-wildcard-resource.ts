import { WILDCARD_RESOURCE_ACTIONS } from '../../infra/constructs/iam';
import type { TerraformRule } from '../policy';
import { evaluateStatements } from './lib/iam-rules';

const ALLOWED = new Set(WILDCARD_RESOURCE_ACTIONS.map((a) => a.toLowerCase()));

/** IAM-003: resource "*" only for actions that have no resource-level permissions. */
export const IAM_003: TerraformRule = {
  id: 'IAM-003',
  info: 'Identity policies grant resource "*" only for actions in WILDCARD_RESOURCE_ACTIONS (infra/constructs/iam.ts)',
  rationale:
    'An action that supports resource-level permissions granted on "*" reaches every resource of that type in the ' +
    'account, including other deployments sharing it. The allow-list holds the actions IAM cannot scope.',
  appliesTo: 'terraform',
  evaluate(resource) {
    return evaluateStatements(resource, ['identity'], (s) => {
      if (s.effect !== 'Allow' || !s.resources.includes('*')) return [];
      const scoped = s.actions.filter((a) => !ALLOWED.has(a.toLowerCase()));
      return scoped.length === 0
        ? []
        : [
            `grants ${scoped.join(', ')} on "*"; name the ARNs, or add the action to WILDCARD_RESOURCE_ACTIONS ` +
              'if IAM has no resource-level permission for it',
          ];
    });
  },
};
