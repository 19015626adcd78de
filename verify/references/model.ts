import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject, ResolvedReference, TerraformResource, TerraformStack } from '../policy';
import { loadKubernetesObjects, terraformStackFromJson } from '../policy';
import type { Problem } from '../problem';
import { relativePosix } from '../problem';
import { listFiles } from '../terraform';

/** A JSON object. */
export type Json = Record<string, unknown>;
/** Path segments inside an object, formatted with `formatPath`. */
export type Segments = readonly (string | number)[];

/** One synthesized stack with its outputs, which other stacks read through `terraform_remote_state`. */
export interface StackInfo extends TerraformStack {
  /** `output` blocks: name → arguments (`value`, `description`, …). */
  readonly outputs: Readonly<Record<string, Json>>;
  /** `data` blocks: type → name → arguments (`terraform_remote_state` among them). */
  readonly data: Readonly<Record<string, Readonly<Record<string, Json>>>>;
}

/** A `helm_release` with its values documents parsed and merged in order, as Helm merges them. */
export interface HelmRelease {
  readonly resource: TerraformResource;
  /** Chart name (`argo-workflows`). */
  readonly chart: string;
  /** Release namespace (the Helm provider's default is `default`). */
  readonly namespace: string;
  /** Whether the release creates its namespace (`create_namespace`). */
  readonly createNamespace: boolean;
  /** The merged values (`set` blocks are not read: dist/ uses `values` documents only). */
  readonly values: Json;
}

/** Everything of one environment the reference checks read: its stacks and its manifests. */
export interface ReferenceEnvironment {
  /** `dev`, `prod`: the folder under dist/k8s and the stack name prefix. */
  readonly env: string;
  /** Stacks named `<env>-*`. */
  readonly stacks: readonly StackInfo[];
  /** Objects of dist/k8s/<env>, with the manifests embedded in Argo resource templates. */
  readonly objects: readonly KubernetesObject[];
  /** Helm releases of the env's stacks. */
  readonly helmReleases: readonly HelmRelease[];
}

/** What every check gets. */
export interface ReferenceInput {
  readonly environments: readonly ReferenceEnvironment[];
  /** Problems name files relative to this directory. */
  readonly reportRoot: string;
}

/** What one check found. */
export interface ReferenceCheckResult {
  /** Every unresolved reference. */
  readonly problems: readonly Problem[];
  /** References resolved (or not): what the summary counts. */
  readonly checked: number;
  /** Facts the summary states even when nothing failed (e.g. a fallback source used). */
  readonly notes?: readonly string[];
}

/** One cross-layer reference check. */
export interface ReferenceCheck {
  /** Short id, used in tests and notes (`service-accounts`). */
  readonly id: string;
  /** What it requires, in one line. */
  readonly title: string;
  run(input: ReferenceInput): ReferenceCheckResult;
}

/** Reads dist/terraform/stacks/*\/cdk.tf.json and dist/k8s/<env>/** and groups them by environment. */
export function loadReferenceInput(distDir: string, reportRoot: string): ReferenceInput {
  const stacks = loadStacks(path.join(distDir, 'terraform'), reportRoot);
  const objects = loadKubernetesObjects(path.join(distDir, 'k8s'), reportRoot);
  const envs = [...new Set([...stacks.map((s) => s.env), ...objects.map((o) => o.env)])].sort();
  return {
    reportRoot,
    environments: envs.map((env) => {
      const mine = stacks.filter((s) => s.env === env);
      return {
        env,
        stacks: mine,
        objects: objects.filter((o) => o.env === env),
        helmReleases: mine.flatMap((s) =>
          s.resources.filter((r) => r.type === 'helm_release').map(helmRelease),
        ),
      };
    }),
  };
}

function loadStacks(terraformDir: string, reportRoot: string): StackInfo[] {
  const out: StackInfo[] = [];
  for (const file of listFiles(path.join(terraformDir, 'stacks')).filter(
    (f) => path.basename(f) === 'cdk.tf.json',
  )) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    } catch {
      continue; // verifyTerraform reports unreadable files
    }
    const stack = path.basename(path.dirname(file));
    const outputs = asObject(asObject(json)?.output) ?? {};
    const data = asObject(asObject(json)?.data) ?? {};
    out.push({
      ...terraformStackFromJson(stack, relativePosix(reportRoot, file), json),
      outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, asObject(v) ?? {}])),
      data: Object.fromEntries(
        Object.entries(data).map(([type, blocks]) => [
          type,
          Object.fromEntries(Object.entries(asObject(blocks) ?? {}).map(([n, v]) => [n, asObject(v) ?? {}])),
        ]),
      ),
    });
  }
  return out.sort((a, b) => compare(a.stack, b.stack));
}

function helmRelease(resource: TerraformResource): HelmRelease {
  const { chart, namespace, create_namespace: createNamespace, values } = resource.values;
  let merged: Json = {};
  for (const text of asArray(values)) {
    if (typeof text !== 'string') continue;
    for (const document of parseAllDocuments(text)) {
      const value: unknown = document.errors.length === 0 ? document.toJS() : undefined;
      const object = asObject(value);
      if (object !== undefined) merged = deepMerge(merged, object);
    }
  }
  return {
    resource,
    chart: typeof chart === 'string' ? chart : '',
    namespace: typeof namespace === 'string' ? namespace : 'default',
    createNamespace: createNamespace === true,
    values: merged,
  };
}

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const [a, b] = [asObject(out[key]), asObject(value)];
    out[key] = a !== undefined && b !== undefined ? deepMerge(a, b) : value;
  }
  return out;
}

const REMOTE_OUTPUT = /^\$\{data\.terraform_remote_state\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)\}$/;

/**
 * Resolves a value that is exactly one reference, following `terraform_remote_state` outputs into the stack whose
 * state key they read (`<keyPrefix>/<stack>.tfstate`, how cdktf cross-stack references and the kit's own remote
 * states are written): `${aws_iam_openid_connect_provider.oidc_provider.arn}` in the stack itself, or
 * `${data.terraform_remote_state.x.outputs.y}` whose output `y` of the other stack is such a reference.
 */
export function resolveReference(
  environment: ReferenceEnvironment,
  stack: StackInfo,
  value: unknown,
  depth = 0,
): { stack: StackInfo; reference: ResolvedReference } | undefined {
  if (typeof value !== 'string' || depth > 4) return undefined;
  const remote = REMOTE_OUTPUT.exec(value);
  if (remote === null) {
    const reference = stack.lookup.reference(value);
    return reference === undefined ? undefined : { stack, reference };
  }
  const target = remoteStack(environment, stack, remote[1]);
  const output = target?.outputs[remote[2]];
  return target === undefined || output === undefined
    ? undefined
    : resolveReference(environment, target, output.value, depth + 1);
}

/** The stack a `terraform_remote_state` data source of `stack` reads, by its state key. */
export function remoteStack(
  environment: ReferenceEnvironment,
  stack: StackInfo,
  dataName: string,
): StackInfo | undefined {
  const key = asObject(stack.lookup.data('terraform_remote_state', dataName)?.config)?.key;
  if (typeof key !== 'string') return undefined;
  const name = path.posix.basename(key).replace(/\.tfstate$/, '');
  return environment.stacks.find((s) => s.stack === name);
}

/** The stacks' managed resources of one type, in stack order. */
export function resourcesOfType(environment: ReferenceEnvironment, type: string): TerraformResource[] {
  return environment.stacks.flatMap((s) => s.resources.filter((r) => r.type === type));
}

/** How a problem names a Kubernetes object: `Kind/ns/name`, prefixed with its Argo holder when embedded. */
export function objectName(object: KubernetesObject): string {
  return object.embeddedIn === undefined ? object.id : `${object.embeddedIn} ${object.id}`;
}

/**
 * The namespace an object lives in: its own, else (embedded manifests) the namespace of the Argo object creating
 * it, else `default` (kubectl's and Argo CD's fallback when the destination names none).
 */
export function namespaceOf(object: KubernetesObject): string {
  const own = asObject(object.manifest.metadata)?.namespace;
  if (typeof own === 'string' && own !== '') return own;
  const holder = object.embeddedIn?.split(' ')[0].split('/');
  return holder !== undefined && holder.length === 3 ? holder[1] : 'default';
}

/** Whether a value holds an Argo (`{{…}}`) or Helm/Terraform (`${…}`) expression resolved only at run time. */
export function isExpression(value: string): boolean {
  return value.includes('{{') || value.includes('${');
}

/** The stack file a Terraform resource sits in, and its address, as a problem names them. */
export function terraformProblem(resource: TerraformResource, message: string): Problem {
  return { file: resource.file, object: resource.address, message };
}

export function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** The value at `segments` below `value`, or undefined. */
export function at(value: unknown, segments: Segments): unknown {
  let current = value;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      current = Array.isArray(current) ? (current as unknown[])[segment] : undefined;
    } else {
      current = asObject(current)?.[segment];
    }
  }
  return current;
}

/** Calls `visit` for every mapping below `value` (itself included) with its path; `skip` prunes subtrees. */
export function walkObjects(
  value: unknown,
  visit: (object: Json, where: Segments) => void,
  skip: (where: Segments) => boolean = () => false,
  where: Segments = [],
): void {
  if (skip(where)) return;
  if (Array.isArray(value)) {
    (value as unknown[]).forEach((item, i) => walkObjects(item, visit, skip, [...where, i]));
    return;
  }
  const object = asObject(value);
  if (object === undefined) return;
  visit(object, where);
  for (const [key, child] of Object.entries(object)) {
    walkObjects(child, visit, skip, [...where, key]);
  }
}

/** Names sorted and joined for messages; `(none)` when empty. */
export function listing(names: Iterable<string>): string {
  const sorted = [...new Set(names)].sort(compare);
  return sorted.length === 0 ? '(none)' : sorted.join(', ');
}

/** Code-unit order: the same on every machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
