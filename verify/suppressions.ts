import * as fs from 'node:fs';
import { parseDocument } from 'yaml';
import type { Evaluation } from './policy';
import type { Problem } from './problem';

/**
 * One accepted policy finding, from verify/suppressions.yaml:
 *
 * ```yaml
 * suppressions:
 *   - rule: NET-001                      # a rule id of verify/rules/index.ts
 *     object: aws_security_group.alb     # Terraform address, or Kubernetes Kind/namespace/name (Kind/name if cluster-scoped); `*` matches any text
 *     env: prod                          # optional: only this environment
 *     reason: the public ALB of the demo environment, behind WAF (ticket 123)   # mandatory
 * ```
 */
export interface Suppression {
  readonly rule: string;
  readonly object: string;
  readonly env?: string;
  readonly reason: string;
  /** Position in the file (0-based), for messages. */
  readonly index: number;
}

/** A suppression and how many findings it matched; 0 means stale. */
export interface SuppressionUse {
  readonly suppression: Suppression;
  readonly matched: number;
}

/** A non-compliant evaluation that a suppression accepts. */
export interface SuppressedFinding {
  readonly evaluation: Evaluation;
  readonly suppression: Suppression;
}

/** What {@link readSuppressions} found. */
export interface SuppressionFile {
  readonly suppressions: readonly Suppression[];
  /** Format errors, each naming the entry and what to fix. */
  readonly problems: readonly Problem[];
}

const KEYS = new Set(['rule', 'object', 'env', 'reason']);

/**
 * Reads and validates a suppression file. A missing file means no suppressions. `reportFile` names the file in
 * problems; `knownRules` are the registry's ids (an entry for an unknown rule is a problem).
 */
export function readSuppressions(
  file: string,
  reportFile: string,
  knownRules: readonly string[],
): SuppressionFile {
  if (!fs.existsSync(file)) return { suppressions: [], problems: [] };
  return parseSuppressions(fs.readFileSync(file, 'utf8'), reportFile, knownRules);
}

/** Parses the text of a suppression file (see {@link Suppression}). */
export function parseSuppressions(
  text: string,
  reportFile: string,
  knownRules: readonly string[],
): SuppressionFile {
  const problems: Problem[] = [];
  const problem = (object: string, message: string): void => {
    problems.push({ file: reportFile, object, message });
  };
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    problem('(file)', `YAML syntax error: ${document.errors[0].message.split('\n')[0]}`);
    return { suppressions: [], problems };
  }
  const root: unknown = document.toJS();
  if (root === null || root === undefined) return { suppressions: [], problems };
  const list = (root as { suppressions?: unknown }).suppressions;
  if (typeof root !== 'object' || Array.isArray(root) || !Array.isArray(list ?? [])) {
    problem('(file)', 'expected a mapping with a `suppressions:` list');
    return { suppressions: [], problems };
  }
  const suppressions: Suppression[] = [];
  const seen = new Set<string>();
  ((list ?? []) as unknown[]).forEach((entry, index) => {
    const where = `suppressions[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      problem(where, 'each suppression is a mapping with rule, object, reason and optionally env');
      return;
    }
    const e = entry as Record<string, unknown>;
    const errors: string[] = [];
    for (const key of Object.keys(e).filter((k) => !KEYS.has(k))) errors.push(`unknown key "${key}"`);
    const field = (key: string): string | undefined =>
      typeof e[key] === 'string' && e[key].trim() !== '' ? e[key].trim() : undefined;
    const rule = field('rule');
    const object = field('object');
    const reason = field('reason');
    const env = field('env');
    if (rule === undefined) errors.push('rule is missing');
    else if (!knownRules.includes(rule)) errors.push(`rule ${rule} is not in verify/rules/index.ts`);
    if (object === undefined) errors.push('object is missing (Terraform address or Kind/namespace/name)');
    if (reason === undefined) errors.push('reason is missing or empty: say why the finding is accepted');
    if (e.env !== undefined && env === undefined) errors.push('env must be a non-empty string');
    if (errors.length > 0 || rule === undefined || object === undefined || reason === undefined) {
      problem(where, errors.join('; '));
      return;
    }
    const key = JSON.stringify([rule, object, env ?? '']);
    if (seen.has(key)) {
      problem(where, `duplicate of an earlier suppression of ${rule} on ${object}`);
      return;
    }
    seen.add(key);
    suppressions.push({ rule, object, ...(env === undefined ? {} : { env }), reason, index });
  });
  return { suppressions, problems };
}

/** True when the suppression accepts the evaluation (same rule, object glob, and environment when given). */
export function suppresses(suppression: Suppression, evaluation: Evaluation): boolean {
  if (suppression.rule !== evaluation.rule) return false;
  if (suppression.env !== undefined && suppression.env !== evaluation.env) return false;
  const pattern = suppression.object
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(evaluation.object);
}

/**
 * Splits the non-compliant evaluations into violations and suppressed findings (the first matching suppression
 * wins) and counts what each suppression matched.
 */
export function applySuppressions(
  evaluations: readonly Evaluation[],
  suppressions: readonly Suppression[],
): { violations: Evaluation[]; suppressed: SuppressedFinding[]; uses: SuppressionUse[] } {
  const counts = new Map<Suppression, number>(suppressions.map((s) => [s, 0]));
  const violations: Evaluation[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const evaluation of evaluations.filter((e) => e.status === 'non-compliant')) {
    const suppression = suppressions.find((s) => suppresses(s, evaluation));
    if (suppression === undefined) {
      violations.push(evaluation);
    } else {
      counts.set(suppression, (counts.get(suppression) ?? 0) + 1);
      suppressed.push({ evaluation, suppression });
    }
  }
  return {
    violations,
    suppressed,
    uses: suppressions.map((suppression) => ({ suppression, matched: counts.get(suppression) ?? 0 })),
  };
}
