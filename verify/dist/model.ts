/**
 * The object model of dist/: Terraform stacks (resources with their address, outputs, remote-state data, file) and
 * Kubernetes objects (file, environment, `Kind/namespace/name`, with the manifests Argo templates embed), grouped by
 * environment with each environment's Helm releases and their merged values. Pure: load.ts reads the files.
 */
import { parseAllDocuments } from 'yaml';
import { parseStackName } from '../../config';
import { embeddedManifestsOf, parseYamlObjects } from './yaml';

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

/** One synthesized stack (dist/terraform/stacks/<stack>/cdk.tf.json). */
export interface TerraformStack {
  /** The stack (`dev-foundation`). */
  readonly stack: string;
  /** The environment the stack belongs to (`dev`). */
  readonly env: string;
  /** The stack file, relative to the report root. */
  readonly file: string;
  /** Every managed resource, in file order. */
  readonly resources: readonly TerraformResource[];
  readonly lookup: StackLookup;
  /** `output` blocks: name → arguments (`value`, `description`, …), which other stacks read by remote state. */
  readonly outputs: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** `data` blocks: type → name → arguments (`terraform_remote_state` among them). */
  readonly data: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
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
  readonly values: Readonly<Record<string, unknown>>;
}

/** Everything dist/ holds for one environment: its stacks, its Kubernetes objects and its Helm releases. */
export interface DistEnvironment extends KubernetesEnvironment {
  /** `dev`, `prod`: the folder under dist/k8s and the stack name prefix. */
  readonly env: string;
  /** Stacks named `<env>-*`, sorted by name. */
  readonly stacks: readonly TerraformStack[];
  /** Objects of dist/k8s/<env>, with the manifests embedded in Argo resource templates. */
  readonly objects: readonly KubernetesObject[];
  /** Helm releases of the env's stacks, in stack order. */
  readonly helmReleases: readonly HelmRelease[];
}

/**
 * The environment of a stack named `<env>-<unit>`, read by config's parser of the names its builder makes (environment
 * names have no hyphen; units may: `dev-spark-history`); a folder that is no such name is its own environment.
 */
export function environmentOfStack(stack: string): string {
  return parseStackName(stack)?.env ?? stack;
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
  const outputs = Object.fromEntries(Object.entries(record(root.output)).map(([k, v]) => [k, record(v)]));
  const dataBlocks = Object.fromEntries(
    Object.entries(data).map(([type, blocks]) => [
      type,
      Object.fromEntries(Object.entries(record(blocks)).map(([n, v]) => [n, record(v)])),
    ]),
  );
  return { stack, env, file, resources: list, lookup, outputs, data: dataBlocks };
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

/** A `helm_release` resource with its values documents parsed and deep-merged in order. */
export function helmRelease(resource: TerraformResource): HelmRelease {
  const { chart, namespace, create_namespace: createNamespace, values } = resource.values;
  let merged: Record<string, unknown> = {};
  for (const text of Array.isArray(values) ? (values as unknown[]) : []) {
    if (typeof text !== 'string') continue;
    for (const document of parseAllDocuments(text)) {
      const value: unknown = document.errors.length === 0 ? document.toJS() : undefined;
      if (isRecord(value)) merged = deepMerge(merged, value);
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const a = out[key];
    out[key] = isRecord(a) && isRecord(value) ? deepMerge(a, value) : value;
  }
  return out;
}

/** Groups stacks and objects by environment (environments sorted), with each environment's Helm releases. */
export function distEnvironments(
  stacks: readonly TerraformStack[],
  objects: readonly KubernetesObject[],
): DistEnvironment[] {
  const envs = [...new Set([...stacks.map((s) => s.env), ...objects.map((o) => o.env)])].sort();
  return envs.map((env) => {
    const mine = stacks.filter((s) => s.env === env);
    return {
      env,
      stacks: mine,
      objects: objects.filter((o) => o.env === env),
      helmReleases: mine.flatMap((s) => s.resources.filter((r) => r.type === 'helm_release').map(helmRelease)),
    };
  });
}
