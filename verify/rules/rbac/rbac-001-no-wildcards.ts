import { rbacRules } from '../lib/rbac';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** RBAC-001: roles list what they grant. */
export const RBAC_001: KubernetesRule = {
  id: 'RBAC-001',
  info: 'Roles and ClusterRoles use no "*" in verbs, resources or apiGroups',
  rationale:
    'A wildcard grants every verb or resource, including ones added by CRDs installed later (and secrets, ' +
    'escalate, impersonate); list them.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const rules = rbacRules(object.manifest);
    if (rules === undefined) return notApplicable();
    return verdict(
      rules.flatMap((r, i) =>
        (['verbs', 'resources', 'apiGroups'] as const)
          .filter((field) => r[field].includes('*'))
          .map((field) => `rules[${i}].${field} contains "*"`),
      ),
    );
  },
};
