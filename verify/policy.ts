import * as fs from 'node:fs';
import * as path from 'node:path';
import { embeddedManifestsOf, parseYamlObjects } from './k8s';
import type { Problem } from './problem';
import { relativePosix } from './problem';
import type { SuppressedFinding, SuppressionUse } from './suppressions';
import { applySuppressions, readSuppressions } from './suppressions';
import { listFiles } from './terraform';

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

/** A Terraform reference `${type.name.attribute}` or `${data.type.name.attribute}` resolved within its stack. */
export interface ResolvedReference {
  /** Whether the reference names a data source or a managed resource. */
  readonly mode: 'data' | 'resource';
  readonly type: string;
  readonly name: string;
  /** The attribute path after the name (`json`, `id`, `arn`, …); empty when the reference names the object itself. */
  readonly attribute: string;
  /** The arguments of the referenced block, as synthesized. */
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * Read-only view of one synthesized stack that rules may use to follow references out of the object they judge,
 * e.g. `${data.aws_iam_policy_document.trust.json}` or `${aws_s3_bucket.logs_bucket.id}`.
 */
export interface StackLookup {
  /** The AWS account ids the stack's provider is allowed to touch (`allowed_account_ids`): "this account". */
  readonly accountIds: readonly string[];
  /** The arguments of a data source of the stack, or undefined. */
  data(type: string, name: string): Readonly<Record<string, unknown>> | undefined;
  /** The arguments of a managed resource of the stack, or undefined. */
  resource(type: string, name: string): Readonly<Record<string, unknown>> | undefined;
  /**
   * Resolves a value that is exactly one reference (`${data.T.N.json}`, `${T.N.id}`) to the block it names; undefined
   * for literals, expressions and references to other stacks (remote state) or missing blocks.
   */
  reference(value: unknown): ResolvedReference | undefined;
}

/** One Terraform resource of dist/terraform/stacks/<stack>/cdk.tf.json. */
export interface TerraformResource {
  /** The stack (`dev-foundation`). */
  readonly stack: string;
  /** The environment the stack belongs to (`dev`). */
  readonly env: string;
  /** The stack file, relative to the report root. */
  readonly file: string;
  /** Resource type (`aws_s3_bucket`). */
  readonly type: string;
  /** Resource name (`assets_bucket`). */
  readonly name: string;
  /** `type.name`, unique within the stack. */
  readonly address: string;
  /** The construct path that produced it (from cdktf's metadata), when known. */
  readonly constructPath?: string;
  /** The arguments as synthesized, without cdktf's `//` metadata. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The rest of the stack, read-only, for resolving references. */
  readonly lookup: StackLookup;
}

/** One synthesized stack, for rules that check that resources come in complete sets. */
export interface TerraformStack {
  readonly stack: string;
  readonly env: string;
  readonly file: string;
  /** Every managed resource, in file order. */
  readonly resources: readonly TerraformResource[];
  readonly lookup: StackLookup;
}

/** One Kubernetes object of dist/k8s, or a manifest embedded in an Argo resource template. */
export interface KubernetesObject {
  /** The file, relative to the report root. */
  readonly file: string;
  /** The environment: the first folder below dist/k8s. */
  readonly env: string;
  /**
   * `Kind/namespace/name` (`Kind/name` when the object has no namespace; `name*` for a `generateName`). An embedded
   * manifest without a namespace gets its Argo object's namespace, where Argo creates it.
   */
  readonly id: string;
  /** For an embedded manifest: the Argo object and template holding it (`WorkflowTemplate/ns/x templates[1]`). */
  readonly embeddedIn?: string;
  /** The object as parsed. */
  readonly manifest: Readonly<Record<string, unknown>>;
}

/** Every Kubernetes object of one environment, for rules that follow references between objects (bindings → roles). */
export interface KubernetesEnvironment {
  readonly env: string;
  readonly objects: readonly KubernetesObject[];
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

/** What the engine reads from dist/. */
export interface PolicyInput {
  readonly stacks: readonly TerraformStack[];
  readonly objects: readonly KubernetesObject[];
}

/** Reads every stack of `<distDir>/terraform/stacks` and every object of `<distDir>/k8s`; unreadable files are skipped (the schema checks report them). */
export function loadPolicyInput(distDir: string, reportRoot: string): PolicyInput {
  return {
    stacks: loadTerraformStacks(path.join(distDir, 'terraform'), reportRoot),
    objects: loadKubernetesObjects(path.join(distDir, 'k8s'), reportRoot),
  };
}

/** Every `stacks/<stack>/cdk.tf.json` below `terraformDir`, sorted by stack. */
export function loadTerraformStacks(terraformDir: string, reportRoot: string): TerraformStack[] {
  const stacksDir = path.join(terraformDir, 'stacks');
  const stacks: TerraformStack[] = [];
  for (const file of listFiles(stacksDir).filter((f) => path.basename(f) === 'cdk.tf.json')) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    } catch {
      continue;
    }
    const stack = path.basename(path.dirname(file));
    stacks.push(terraformStackFromJson(stack, relativePosix(reportRoot, file), json));
  }
  return stacks;
}

/** The environment of a stack named `<env>-<unit>` (stack names come from config/naming.ts stackName). */
export function environmentOfStack(stack: string): string {
  const dash = stack.lastIndexOf('-');
  return dash <= 0 ? stack : stack.slice(0, dash);
}

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function withoutMetadata(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => key !== '//'));
}

/** A whole-reference value: `${data.T.N.attr…}` or `${T.N.attr…}` and nothing else. */
const REFERENCE = /^\$\{(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)((?:\.[\w-]+|\[\d+\])*)\}$/;

/** Builds a {@link TerraformStack} from a parsed cdk.tf.json (exported for tests that break real output). */
export function terraformStackFromJson(stack: string, file: string, json: unknown): TerraformStack {
  const root = record(json);
  const resources = record(root.resource) as Blocks;
  const data = record(root.data) as Blocks;
  const providers = record(root.provider);
  const aws = Array.isArray(providers.aws) ? providers.aws.map(record) : [];
  const accountIds = [
    ...new Set(
      aws.flatMap((p) =>
        Array.isArray(p.allowed_account_ids)
          ? p.allowed_account_ids.filter((a): a is string => typeof a === 'string')
          : [],
      ),
    ),
  ].sort();
  const block = (blocks: Blocks, type: string, name: string): Record<string, unknown> | undefined => {
    const found = Object.hasOwn(blocks, type) ? record(blocks[type])[name] : undefined;
    return found === undefined ? undefined : withoutMetadata(record(found));
  };
  const lookup: StackLookup = {
    accountIds,
    data: (type, name) => block(data, type, name),
    resource: (type, name) => block(resources, type, name),
    reference(value) {
      if (typeof value !== 'string') return undefined;
      const match = REFERENCE.exec(value);
      if (match === null) return undefined;
      const [, dataPrefix, type, name, rest] = match;
      const mode = dataPrefix === undefined ? 'resource' : 'data';
      const values = block(mode === 'data' ? data : resources, type, name);
      if (values === undefined) return undefined;
      return { mode, type, name, attribute: rest.replace(/^\./, ''), values };
    },
  };
  const env = environmentOfStack(stack);
  const list: TerraformResource[] = [];
  for (const [type, byName] of Object.entries(resources)) {
    for (const [name, raw] of Object.entries(record(byName))) {
      const values = record(raw);
      const metadata = record(record(values['//']).metadata);
      list.push({
        stack,
        env,
        file,
        type,
        name,
        address: `${type}.${name}`,
        ...(typeof metadata.path === 'string' ? { constructPath: metadata.path } : {}),
        values: withoutMetadata(values),
        lookup,
      });
    }
  }
  return { stack, env, file, resources: list, lookup };
}

/** `Kind/namespace/name` of a manifest (see {@link KubernetesObject.id}). */
export function kubernetesId(manifest: Readonly<Record<string, unknown>>, defaultNamespace?: string): string {
  const kind = typeof manifest.kind === 'string' ? manifest.kind : '(no kind)';
  const metadata = record(manifest.metadata);
  const name =
    typeof metadata.name === 'string'
      ? metadata.name
      : typeof metadata.generateName === 'string'
        ? `${metadata.generateName}*`
        : '(no name)';
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : defaultNamespace;
  return namespace === undefined || namespace === '' ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}

/** Every object of every *.yaml / *.yml below `k8sDir`, with the manifests embedded in Argo resource templates. */
export function loadKubernetesObjects(k8sDir: string, reportRoot: string): KubernetesObject[] {
  const out: KubernetesObject[] = [];
  for (const file of listFiles(k8sDir).filter((f) => /\.ya?ml$/.test(f))) {
    const report = relativePosix(reportRoot, file);
    const env = relativePosix(k8sDir, file).split('/')[0];
    for (const { object } of parseYamlObjects(fs.readFileSync(file, 'utf8')).objects) {
      out.push(...kubernetesObjects(report, env, object));
    }
  }
  return out;
}

/** One parsed document and the manifests its Argo resource templates embed (exported for tests). */
export function kubernetesObjects(
  file: string,
  env: string,
  manifest: Readonly<Record<string, unknown>>,
): KubernetesObject[] {
  const id = kubernetesId(manifest);
  const out: KubernetesObject[] = [{ file, env, id, manifest }];
  const namespace = record(manifest.metadata).namespace;
  for (const embedded of embeddedManifestsOf(manifest)) {
    for (const { object } of parseYamlObjects(embedded.manifest).objects) {
      out.push({
        file,
        env,
        id: kubernetesId(object, typeof namespace === 'string' ? namespace : undefined),
        embeddedIn: `${id} ${embedded.where.replace(/\.resource\.manifest$/, '')}`,
        manifest: object,
      });
    }
  }
  return out;
}

/** Groups objects by environment, environments sorted. */
export function kubernetesEnvironments(objects: readonly KubernetesObject[]): KubernetesEnvironment[] {
  const byEnv = new Map<string, KubernetesObject[]>();
  for (const object of objects) {
    byEnv.set(object.env, [...(byEnv.get(object.env) ?? []), object]);
  }
  return [...byEnv.keys()].sort().map((env) => ({ env, objects: byEnv.get(env) ?? [] }));
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
export function runPolicy(distDir: string, reportRoot: string, options: PolicyOptions): PolicyResult {
  const input = loadPolicyInput(distDir, reportRoot);
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
