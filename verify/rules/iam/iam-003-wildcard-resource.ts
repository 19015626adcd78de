import { evaluateStatements } from '../lib/iam-rules';
import { WILDCARD_RESOURCE_ACTIONS } from './wildcard-resource-actions';
import type { TerraformRule } from '../lib/rule';

/** IAM-003: resource "*" only for actions that have no resource-level permissions. */
export const IAM_003: TerraformRule = {
  id: 'IAM-003',
  info: 'Identity policies grant resource "*" only for actions in verify\'s own list of actions IAM cannot scope',
  rationale:
    'An action that supports resource-level permissions granted on "*" reaches every resource of that type in the ' +
    'account, including other deployments sharing it. The allow-list holds the actions IAM cannot scope.',
  appliesTo: 'terraform',
  evaluate(resource) {
    return evaluateStatements(resource, ['identity'], (s) => {
      if (s.effect !== 'Allow' || !s.resources.includes('*')) return [];
      const scoped = s.actions.filter((a) => !WILDCARD_RESOURCE_ACTIONS.has(a.toLowerCase()));
      return scoped.length === 0
        ? []
        : [
            `grants ${scoped.join(', ')} on "*"; name the ARNs, or, if IAM has no resource-level permission for it, ` +
              "add the action to infra's WILDCARD_RESOURCE_ACTIONS and to verify's list with its Service " +
              'Authorization Reference entry',
          ];
    });
  },
};
