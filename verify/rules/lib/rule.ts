/**
 * The contract every policy rule implements: what it declares about itself, what it judges (a Terraform resource or
 * stack, a Kubernetes object or environment of the dist/ model) and the verdicts it returns. policy.ts applies rules.
 */
import type { KubernetesEnvironment, KubernetesObject, TerraformResource, TerraformStack } from '../../dist';

/** What a rule says about one object. */
export type RuleStatus = 'compliant' | 'non-compliant' | 'not-applicable';

/** The verdict of a rule on one object, with what is wrong (or notable) in one line. */
export interface RuleResult {
  readonly status: RuleStatus;
  readonly message?: string;
}

/** A verdict of a rule that sees many objects (a stack or an environment) on one of them. */
export interface ObjectResult extends RuleResult {
  /** The object the verdict is about: a Terraform address, or a Kubernetes object id (`Kind/namespace/name`). */
  readonly object: string;
}

/** What every rule declares about itself. */
export interface RuleInfo {
  /** Stable id, `AREA-NNN` (`S3-001`); suppressions and reports use it. */
  readonly id: string;
  /** What the rule requires, in one line. */
  readonly info: string;
  /** Why: the risk it prevents. */
  readonly rationale: string;
}

/** A rule judging one Terraform resource at a time. */
export interface TerraformRule extends RuleInfo {
  readonly appliesTo: 'terraform';
  evaluate(resource: TerraformResource): RuleResult;
}

/** A rule judging a whole stack (that every bucket has its companions), returning a verdict per object it judged. */
export interface TerraformStackRule extends RuleInfo {
  readonly appliesTo: 'terraform-stack';
  evaluate(stack: TerraformStack): readonly ObjectResult[];
}

/** A rule judging one Kubernetes object at a time. */
export interface KubernetesRule extends RuleInfo {
  readonly appliesTo: 'kubernetes';
  evaluate(object: KubernetesObject): RuleResult;
}

/** A rule judging all objects of one environment, returning a verdict per object it judged. */
export interface KubernetesEnvironmentRule extends RuleInfo {
  readonly appliesTo: 'kubernetes-environment';
  evaluate(environment: KubernetesEnvironment): readonly ObjectResult[];
}

/** Any policy rule. */
export type Rule = TerraformRule | TerraformStackRule | KubernetesRule | KubernetesEnvironmentRule;

/** The verdict. */
export function compliant(message?: string): RuleResult {
  return message === undefined ? { status: 'compliant' } : { status: 'compliant', message };
}

/** The verdict, with what is wrong and how to fix it. */
export function nonCompliant(message: string): RuleResult {
  return { status: 'non-compliant', message };
}

/** The verdict, with why the rule does not apply when that is not obvious. */
export function notApplicable(message?: string): RuleResult {
  return message === undefined ? { status: 'not-applicable' } : { status: 'not-applicable', message };
}

/** Compliant when there is no failure, else non-compliant listing every failure. */
export function verdict(failures: readonly string[], whenCompliant?: string): RuleResult {
  return failures.length === 0 ? compliant(whenCompliant) : nonCompliant(failures.join('; '));
}
