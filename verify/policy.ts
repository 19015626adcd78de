/**
 * The policy engine: applies the rules (their contract: rules/lib/rule.ts) to the objects of a loaded dist/, then the
 * suppressions to the findings.
 */
import type { Dist, KubernetesObject, TerraformStack } from './dist';
import { kubernetesEnvironments } from './dist';
import type { Problem } from './problem';
import { relativePosix } from './problem';
import type { SuppressedFinding, SuppressionUse } from './suppressions';
import { applySuppressions, readSuppressions } from './suppressions';
import type { Rule, RuleResult, RuleStatus } from './rules/lib/rule';
import { nonCompliant } from './rules/lib/rule';

/** One rule applied to one object. */
export interface Evaluation {
  readonly rule: string;
  readonly env: string;
  /** File of the object, relative to the report root. */
  readonly file: string;
  /** Terraform address or Kubernetes object id. */
  readonly object: string;
  readonly status: RuleStatus;
  readonly message?: string;
}

/** What the engine reads from dist/ (a {@link Dist}, or a few objects in tests). */
export interface PolicyInput {
  readonly stacks: readonly TerraformStack[];
  readonly objects: readonly KubernetesObject[];
}

/** Runs a rule, turning an exception into a non-compliant verdict so a broken rule never passes silently. */
function guarded<T>(rule: Rule, run: () => T, fallback: (message: string) => T): T {
  try {
    return run();
  } catch (error) {
    return fallback(`rule ${rule.id} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Applies every rule to every object it applies to and returns the evaluations, not-applicable ones left out, sorted
 * by rule, file and object.
 */
export function evaluateRules(rules: readonly Rule[], input: PolicyInput): Evaluation[] {
  const out: Evaluation[] = [];
  const add = (
    rule: Rule,
    where: { env: string; file: string; object: string },
    result: RuleResult,
  ): void => {
    if (result.status === 'not-applicable') return;
    out.push({
      rule: rule.id,
      env: where.env,
      file: where.file,
      object: where.object,
      status: result.status,
      ...(result.message === undefined ? {} : { message: result.message }),
    });
  };
  const environments = kubernetesEnvironments(input.objects);
  for (const rule of rules) {
    switch (rule.appliesTo) {
      case 'terraform':
        for (const resource of input.stacks.flatMap((s) => s.resources)) {
          const result = guarded(rule, () => rule.evaluate(resource), nonCompliant);
          add(rule, { env: resource.env, file: resource.file, object: resource.address }, result);
        }
        break;
      case 'terraform-stack':
        for (const stack of input.stacks) {
          const results = guarded(
            rule,
            () => rule.evaluate(stack),
            (message) => [{ object: '(stack)', ...nonCompliant(message) }],
          );
          for (const { object, ...result } of results) {
            add(rule, { env: stack.env, file: stack.file, object }, result);
          }
        }
        break;
      case 'kubernetes':
        for (const object of input.objects) {
          const result = guarded(rule, () => rule.evaluate(object), nonCompliant);
          const message =
            object.embeddedIn === undefined || result.message === undefined
              ? result.message
              : `${result.message} (embedded in ${object.embeddedIn})`;
          add(
            rule,
            { env: object.env, file: object.file, object: object.id },
            message === undefined ? result : { ...result, message },
          );
        }
        break;
      case 'kubernetes-environment':
        for (const environment of environments) {
          const results = guarded(
            rule,
            () => rule.evaluate(environment),
            (message) => [{ object: '(environment)', ...nonCompliant(message) }],
          );
          for (const { object, ...result } of results) {
            const file =
              environment.objects.find((o) => o.id === object)?.file ??
              environment.objects[0]?.file ??
              '(k8s)';
            add(rule, { env: environment.env, file, object }, result);
          }
        }
        break;
    }
  }
  return sortEvaluations(out);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted by rule, file, object and message, in code-unit order (locale-independent). */
export function sortEvaluations(evaluations: readonly Evaluation[]): Evaluation[] {
  return [...evaluations].sort(
    (a, b) =>
      compare(a.rule, b.rule) ||
      compare(a.file, b.file) ||
      compare(a.object, b.object) ||
      compare(a.message ?? '', b.message ?? ''),
  );
}

/** Options of {@link runPolicy}. */
export interface PolicyOptions {
  /** The rules to apply (normally RULES from verify/rules/index.ts). */
  readonly rules: readonly Rule[];
  /**
   * The suppression file.
   * @default - none: every finding is a violation
   */
  readonly suppressionsFile?: string;
}

/** Per-rule counts for the report. */
export interface RuleSummary {
  readonly id: string;
  readonly info: string;
  readonly rationale: string;
  readonly appliesTo: Rule['appliesTo'];
  /** Objects the rule applied to (not-applicable ones are not counted). */
  readonly evaluated: number;
  readonly compliant: number;
  /** Non-compliant and not suppressed. */
  readonly violations: number;
  readonly suppressed: number;
}

/** The outcome of {@link runPolicy}. */
export interface PolicyResult {
  readonly rules: readonly RuleSummary[];
  /** Every evaluation that applied, sorted by rule, file and object. */
  readonly evaluations: readonly Evaluation[];
  /** Non-compliant evaluations no suppression accepts. */
  readonly violations: readonly Evaluation[];
  /** Non-compliant evaluations a suppression accepts. */
  readonly suppressed: readonly SuppressedFinding[];
  /** Each suppression and how many findings it matched (0 = stale). */
  readonly suppressions: readonly SuppressionUse[];
  /** Terraform resources and Kubernetes objects (embedded manifests included) read. */
  readonly objects: { readonly terraform: number; readonly kubernetes: number };
  /** Violations, stale suppressions and suppression-file errors, as verify problems. */
  readonly problems: readonly Problem[];
}

/**
 * Applies the rules to dist/ and the suppressions to the findings. Every violation, every stale suppression (it
 * matches nothing: the finding was fixed or the object renamed) and every malformed suppression is a problem.
 */
export function runPolicy(input: Dist, options: PolicyOptions): PolicyResult {
  const { reportRoot } = input;
  const evaluations = evaluateRules(options.rules, input);
  const reportFile =
    options.suppressionsFile === undefined ? '' : relativePosix(reportRoot, options.suppressionsFile);
  const file =
    options.suppressionsFile === undefined
      ? { suppressions: [], problems: [] }
      : readSuppressions(
          options.suppressionsFile,
          reportFile,
          options.rules.map((r) => r.id),
        );
  const { violations, suppressed, uses } = applySuppressions(evaluations, file.suppressions);
  const problems: Problem[] = [
    ...violations.map((v) => ({
      file: v.file,
      object: v.object,
      message: `${v.rule}: ${v.message ?? options.rules.find((r) => r.id === v.rule)?.info ?? 'non-compliant'}`,
    })),
    ...file.problems,
    ...uses
      .filter((u) => u.matched === 0)
      .map(({ suppression: s }) => ({
        file: reportFile,
        object: `suppressions[${s.index}]`,
        message:
          `stale suppression of ${s.rule} on ${s.object}${s.env === undefined ? '' : ` (${s.env})`}: it matches no ` +
          'finding; remove it',
      })),
  ];
  const rules = options.rules.map((rule): RuleSummary => {
    const mine = evaluations.filter((e) => e.rule === rule.id);
    return {
      id: rule.id,
      info: rule.info,
      rationale: rule.rationale,
      appliesTo: rule.appliesTo,
      evaluated: mine.length,
      compliant: mine.filter((e) => e.status === 'compliant').length,
      violations: violations.filter((e) => e.rule === rule.id).length,
      suppressed: suppressed.filter((s) => s.evaluation.rule === rule.id).length,
    };
  });
  return {
    rules,
    evaluations,
    violations,
    suppressed,
    suppressions: uses,
    objects: {
      terraform: input.stacks.reduce((n, s) => n + s.resources.length, 0),
      kubernetes: input.objects.length,
    },
    problems,
  };
}
