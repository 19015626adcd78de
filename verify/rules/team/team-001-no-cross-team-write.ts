import type { Statement } from '../lib/iam-policy';
import { policiesOf, resolveAttribute } from '../lib/iam-policy';
import type { ResolvedReference, TerraformResource } from '../../dist';
import type { ObjectResult, TerraformStackRule } from '../lib/rule';

/** A role name of a team's identity: `<prefix>-<env>-<region>-team-<team>-<spark|argo|notebook|notebook-ro>`. */
const TEAM_ROLE = /-team-([a-z0-9-]+?)-(spark|argo|notebook|notebook-ro)$/;

/** S3 actions that change or remove an object. */
const WRITE_ACTIONS = [
  's3:putobject',
  's3:deleteobject',
  's3:deleteobjectversion',
  's3:abortmultipartupload',
];

/** True when an IAM action pattern (`s3:Put*`, `s3:*`, `*`) covers `action` (case-insensitive, `*` and `?`). */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcard(pattern.toLowerCase()).test(action.toLowerCase());
}

/** An IAM pattern (`*` any run, `?` one character) as an anchored regular expression. */
function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * True when some object ARN matches both IAM resource patterns. Object ARNs of the kit are `<bucket arn>/<prefix>*`:
 * two such patterns share an object when the literal part before the first wildcard of one starts the other's.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const literal = (p: string) => p.split(/[*?]/)[0];
  const [la, lb] = [literal(a), literal(b)];
  if (la === a && lb === b) return a === b;
  if (la === a) return wildcard(b).test(a);
  if (lb === b) return wildcard(a).test(b);
  return la.startsWith(lb) || lb.startsWith(la);
}

/** Whether the statements allow `action` on the object `arn` (Allow matches and no Deny does); conditions ignored. */
export function allowsObject(statements: readonly Statement[], action: string, arn: string): boolean {
  const matching = statements.filter(
    (s) => s.actions.some((a) => actionMatches(a, action)) && s.resources.some((r) => wildcard(r).test(arn)),
  );
  return matching.some((s) => s.effect === 'Allow') && !matching.some((s) => s.effect === 'Deny');
}

/** True when a resolved reference names the managed resource `address` (`type.name`). */
export function refersTo(ref: ResolvedReference | undefined, address: string): boolean {
  return ref?.mode === 'resource' && `${ref.type}.${ref.name}` === address;
}

/** One team role with its identity statements. */
interface TeamRole {
  readonly team: string;
  readonly role: TerraformResource;
  readonly statements: readonly Statement[];
  readonly error?: string;
}

/** The inline policies attached to each team role of the stack, resolved from the IAM JSON. */
function teamRoles(resources: readonly TerraformResource[]): TeamRole[] {
  return resources
    .filter(
      (r) => r.type === 'aws_iam_role' && typeof r.values.name === 'string' && TEAM_ROLE.test(r.values.name),
    )
    .map((role) => {
      const team = TEAM_ROLE.exec(role.values.name as string)![1];
      const statements: Statement[] = [];
      let error: string | undefined;
      for (const attached of resources.filter(
        (r) => r.type === 'aws_iam_role_policy' && refersTo(r.lookup.reference(r.values.role), role.address),
      )) {
        for (const policy of policiesOf(attached).filter((p) => p.kind === 'identity')) {
          const resolved = resolveAttribute(attached, policy);
          if (resolved.error !== undefined) error = `${attached.address}: ${resolved.error}`;
          else statements.push(...resolved.statements);
        }
      }
      return { team, role, statements, error };
    });
}

/** The object patterns a role may delete: what its team owns (shared platform prefixes are written, never deleted). */
function owned(statements: readonly Statement[]): string[] {
  return statements
    .filter((s) => s.effect === 'Allow' && s.actions.some((a) => actionMatches(a, 's3:DeleteObject')))
    .flatMap((s) => s.resources);
}

/**
 * TEAM-001: no team role can write another team's data-lake prefix. A team's prefixes are read from the IAM JSON in
 * dist/ (the object patterns its roles may delete); every S3 write grant of every other team's role is checked
 * against them.
 */
export const TEAM_001: TerraformStackRule = {
  id: 'TEAM-001',
  info: "No team's IAM role may write (put, delete, abort uploads) objects under another team's prefixes",
  rationale:
    'Teams share one data lake bucket; isolation rests on each team role granting writes only under its own ' +
    'prefixes. A grant that reaches another team’s prefix (a broader pattern, a shared prefix, a typo) lets one ' +
    'team overwrite or delete another team’s tables. Checked on the synthesized IAM documents, not on the config.',
  appliesTo: 'terraform-stack',
  evaluate(stack) {
    const roles = teamRoles(stack.resources);
    const ownedBy = new Map<string, string[]>();
    for (const role of roles)
      ownedBy.set(role.team, [...(ownedBy.get(role.team) ?? []), ...owned(role.statements)]);
    return roles.map((role): ObjectResult => {
      if (role.error !== undefined) {
        return {
          object: role.role.address,
          status: 'non-compliant',
          message: `cannot read its policy: ${role.error}`,
        };
      }
      const failures: string[] = [];
      for (const s of role.statements.filter((st) => st.effect === 'Allow')) {
        const writes = WRITE_ACTIONS.filter((w) => s.actions.some((a) => actionMatches(a, w)));
        if (writes.length === 0) continue;
        for (const [team, patterns] of ownedBy) {
          if (team === role.team) continue;
          for (const resource of s.resources) {
            const hit = patterns.find((p) => patternsOverlap(resource, p));
            if (hit !== undefined) {
              failures.push(
                `statement ${s.sid ?? '(no sid)'} grants ${writes.join(', ')} on ${resource}, which reaches team ` +
                  `'${team}'s ${hit}; grant writes on the role's own team prefixes only (reads go in a read statement)`,
              );
            }
          }
        }
      }
      return failures.length === 0
        ? { object: role.role.address, status: 'compliant' }
        : { object: role.role.address, status: 'non-compliant', message: failures.join('; ') };
    });
  },
};
