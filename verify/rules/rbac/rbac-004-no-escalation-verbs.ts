import { rbacRules } from '../lib/rbac';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

const ESCALATING = ['escalate', 'bind', 'impersonate'];

/** RBAC-004: no role can grant itself or others more rights. */
export const RBAC_004: KubernetesRule = {
  id: 'RBAC-004',
  info: 'Roles and ClusterRoles grant none of the escalate, bind or impersonate verbs',
  rationale:
    'escalate and bind let a subject create roles or bindings with rights it does not hold; impersonate lets it act ' +
    'as any user, group or service account. Each is a path to cluster-admin.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const rules = rbacRules(object.manifest);
    if (rules === undefined) return notApplicable();
    return verdict(
      rules.flatMap((r, i) =>
        r.verbs.filter((v) => ESCALATING.includes(v)).map((v) => `rules[${i}] grants ${v}`),
      ),
    );
  },
};
