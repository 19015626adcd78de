/**
 * The layout of dist/, which both synthesizers write, Argo CD and Terraform read, and verify/, the engines and the
 * tests parse: every unit's id `<env>-<unit>` and every path below dist/ are built by one function here and parsed by
 * one function here.
 *
 * ```
 * dist/terraform/stacks/<env>-<unit>/cdk.tf.json   one Terraform stack per lifecycle unit (cdktf)
 * dist/k8s/<env>/<env>-<chart>/<Kind>.<name>.yaml  one folder per chart (cdk8s), synced by Argo CD
 * dist/k8s/<env>/README.md                         the environment's pipelines, lineage and data tests
 * dist/lineage/<env>.json                          OpenLineage events of the environment's pipelines
 * dist/cost/<env>.md                               the environment's cost report
 * ```
 */

/** The folder of the synthesized output, relative to the repository root. */
export const DIST_DIR = 'dist';

/** Environment names (config/environment.ts): a lower-case letter, then letters and digits, no hyphen. */
const ENV_NAME = '[a-z][a-z0-9]*';
/** Unit names: lower-case words joined by hyphens. */
const UNIT_NAME = '[a-z0-9]+(?:-[a-z0-9]+)*';
const UNIT_ID = new RegExp(`^(${ENV_NAME})-(${UNIT_NAME})$`);

/**
 * `<env>-<unit>`: the id of one lifecycle unit of an environment. A Terraform stack's name (its folder under
 * dist/terraform/stacks/ and its state key) and a cdk8s chart's id (its folder under dist/k8s/<env>/) alike.
 */
export function stackName(env: { readonly name: string }, unit: string): string {
  return `${env.name}-${unit}`;
}

/** `dev-platform` → `{ env: 'dev', unit: 'platform' }`; undefined when the id is not `<env>-<unit>`. */
export function parseStackName(id: string): { readonly env: string; readonly unit: string } | undefined {
  const match = UNIT_ID.exec(id);
  return match === null ? undefined : { env: match[1], unit: match[2] };
}

/** Paths below dist/ (`/`-separated, relative to dist/): where each output of an environment lives. */
export const DIST_PATHS = {
  /** All Terraform stacks (cdktf's output folder). */
  terraform: 'terraform',
  /** The folder of every stack's folder. */
  terraformStacks: 'terraform/stacks',
  /** A stack's Terraform JSON. */
  terraformStack: (stack: string): string => `terraform/stacks/${stack}/cdk.tf.json`,
  /** All Kubernetes output (cdk8s's output folder). */
  k8s: 'k8s',
  /** An environment's Kubernetes folder: what its Argo CD Application syncs. */
  k8sEnvironment: (env: string): string => `k8s/${env}`,
  /** One chart's folder. */
  k8sChart: (env: string, unit: string): string => `k8s/${env}/${stackName({ name: env }, unit)}`,
  /** The environment's pipelines README. */
  k8sReadme: (env: string): string => `k8s/${env}/README.md`,
  /** All lineage files. */
  lineage: 'lineage',
  /** The environment's OpenLineage events. */
  lineageFile: (env: string): string => `lineage/${env}.json`,
  /** All cost reports. */
  cost: 'cost',
  /** The environment's cost report. */
  costFile: (env: string): string => `cost/${env}.md`,
} as const;

/** What a path below dist/ is, as {@link parseDistPath} reads it. */
export type DistPath =
  | { readonly kind: 'terraform-stack'; readonly env: string; readonly unit: string; readonly stack: string }
  | { readonly kind: 'k8s-object'; readonly env: string; readonly unit: string; readonly file: string }
  | { readonly kind: 'k8s-readme'; readonly env: string }
  | { readonly kind: 'lineage'; readonly env: string }
  | { readonly kind: 'cost'; readonly env: string };

/**
 * Reads a path below dist/ (relative to dist/, `/`- or `\`-separated): which environment and unit it belongs to.
 * Undefined for anything the layout does not define (cdktf's manifest.json, a stray file).
 */
export function parseDistPath(relative: string): DistPath | undefined {
  const parts = relative.split(/[\\/]/);
  if (parts[0] === 'terraform' && parts[1] === 'stacks' && parts.length === 4 && parts[3] === 'cdk.tf.json') {
    const id = parseStackName(parts[2]);
    return id === undefined ? undefined : { kind: 'terraform-stack', ...id, stack: parts[2] };
  }
  if (parts[0] === 'k8s' && parts.length === 3 && parts[2] === 'README.md')
    return { kind: 'k8s-readme', env: parts[1] };
  if (parts[0] === 'k8s' && parts.length === 4) {
    const id = parseStackName(parts[2]);
    return id === undefined || id.env !== parts[1]
      ? undefined
      : { kind: 'k8s-object', ...id, file: parts[3] };
  }
  const single = /^(lineage|cost)$/.test(parts[0]) && parts.length === 2 ? parts[1] : undefined;
  if (single !== undefined) {
    const match = new RegExp(`^(${ENV_NAME})\\.(json|md)$`).exec(single);
    if (match !== null && (parts[0] === 'lineage') === (match[2] === 'json')) {
      return parts[0] === 'lineage' ? { kind: 'lineage', env: match[1] } : { kind: 'cost', env: match[1] };
    }
  }
  return undefined;
}

/**
 * The path from one place below dist/ to another (both relative to dist/), as Terraform's `${path.module}` (a stack's
 * folder) needs to name a sibling stack's output or a chart's files.
 */
export function distRelative(from: string, to: string): string {
  const a = from.split('/').filter((p) => p !== '');
  const b = to.split('/').filter((p) => p !== '');
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

/** The folder of a Terraform stack below dist/ (its `${path.module}`). */
export function terraformStackDir(stack: string): string {
  return DIST_PATHS.terraformStack(stack).replace(/\/cdk\.tf\.json$/, '');
}
