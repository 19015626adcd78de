import * as path from 'node:path';
import type {
  Dist,
  DistEnvironment,
  KubernetesObject,
  ResolvedReference,
  TerraformResource,
  TerraformStack,
} from '../dist';
import type { Problem } from '../problem';

/** A JSON object. */
export type Json = Record<string, unknown>;
/** Path segments inside an object, formatted with `formatPath`. */
export type Segments = readonly (string | number)[];

/** What every check gets. */
export interface ReferenceInput {
  readonly environments: readonly DistEnvironment[];
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

/** The reference checks' view of a loaded dist/: its environments. */
export function referenceInput(dist: Dist): ReferenceInput {
  return { reportRoot: dist.reportRoot, environments: dist.environments };
}

const REMOTE_OUTPUT = /^\$\{data\.terraform_remote_state\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)\}$/;

/**
 * Resolves a value that is exactly one reference, following `terraform_remote_state` outputs into the stack whose
 * state key they read (`<keyPrefix>/<stack>.tfstate`, how cdktf cross-stack references and the kit's own remote
 * states are written): `${aws_iam_openid_connect_provider.oidc_provider.arn}` in the stack itself, or
 * `${data.terraform_remote_state.x.outputs.y}` whose output `y` of the other stack is such a reference.
 */
export function resolveReference(
  environment: DistEnvironment,
  stack: TerraformStack,
  value: unknown,
  depth = 0,
): { stack: TerraformStack; reference: ResolvedReference } | undefined {
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
  environment: DistEnvironment,
  stack: TerraformStack,
  dataName: string,
): TerraformStack | undefined {
  const key = asObject(stack.lookup.data('terraform_remote_state', dataName)?.config)?.key;
  if (typeof key !== 'string') return undefined;
  const name = path.posix.basename(key).replace(/\.tfstate$/, '');
  return environment.stacks.find((s) => s.stack === name);
}

/** The stacks' managed resources of one type, in stack order. */
export function resourcesOfType(environment: DistEnvironment, type: string): TerraformResource[] {
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
