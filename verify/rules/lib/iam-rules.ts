import type { PolicyKind, PolicyLookup, Statement } from './iam-policy';
import { policiesOf, resolveAttribute, statementName } from './iam-policy';
import type { TerraformResource } from '../../dist';
import type { RuleResult } from './rule';
import { notApplicable, verdict } from './rule';

/**
 * Applies a per-statement check to every policy of the given kinds a resource carries: not applicable when it has
 * none; non-compliant when one cannot be resolved (verify cannot prove it safe) or a statement fails.
 */
export function evaluateStatements(
  resource: TerraformResource,
  kinds: readonly PolicyKind[],
  check: (statement: Statement) => readonly string[],
): RuleResult {
  const policies = policiesOf(resource).filter((p) => kinds.includes(p.kind));
  if (policies.length === 0) return notApplicable();
  const failures: string[] = [];
  for (const policy of policies) {
    const resolved = resolveAttribute(resource, policy);
    if (resolved.error !== undefined) {
      failures.push(resolved.error);
      continue;
    }
    resolved.statements.forEach((s, i) => {
      for (const failure of check(s)) failures.push(`${policy.attribute} ${statementName(s, i)}: ${failure}`);
    });
  }
  return verdict(failures);
}

/** The resolved trust policy of an aws_iam_role; undefined for other resources. */
export function trustPolicy(resource: TerraformResource): PolicyLookup | undefined {
  if (resource.type !== 'aws_iam_role') return undefined;
  const trust = policiesOf(resource).find((p) => p.kind === 'trust');
  return trust === undefined ? { error: 'assume_role_policy is missing' } : resolveAttribute(resource, trust);
}
