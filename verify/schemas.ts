import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { celViolations } from './cel';
import { CACHEABLE_CODE, compileCached, yamlDocumentsCached } from './compiled-schemas';
import { formatPath } from './problem';
import type { CachedCrd } from './upstream-cache';
import { DEFAULT_CACHE_DIR, cachedCrds } from './upstream-cache';

// kubernetes-models publishes one module per kind (`kubernetes-models/apps/v1/Deployment`); resolving the module
// is how we learn whether a kind is a core kind, so it is required by computed name rather than imported.
const requireModel = createRequire(__filename);

/** An apiVersion such as `v1` or `rbac.authorization.k8s.io/v1`, and a kind such as `Role`. */
const API_VERSION = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/** Kubernetes' Go duration format (`90s`, `1h30m`); ajv-formats' `duration` is ISO 8601, which the API server rejects. */
const GO_DURATION = /^-?(0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/;

interface ModelInstance {
  validate(): void;
}
type ModelClass = (new (data: Record<string, unknown>) => ModelInstance) & {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
};

/** The options of the CRD validators' Ajv instance (part of their cache key). */
const AJV_OPTIONS = { strict: false, allErrors: true, logger: false, code: { optimize: false } } as const;

interface ParsedCrd {
  readonly group: string;
  readonly kind: string;
  /** Served versions and their schemas. */
  readonly versions: ReadonlyMap<string, unknown>;
}

/**
 * Validators for every kind dist/ may contain, keyed by apiVersion and kind: core kinds from kubernetes-models, custom
 * kinds from the pinned CRDs in the upstream cache. CRDs are parsed and compiled on first use (the Argo ones are
 * megabytes each) and kept for the life of the process.
 */
export class SchemaRegistry {
  private static readonly registries = new Map<string, SchemaRegistry>();

  /** The registry for `cacheDir`, shared by every caller in this process so each schema compiles once. */
  public static forCache(cacheDir: string = DEFAULT_CACHE_DIR): SchemaRegistry {
    const key = path.resolve(cacheDir);
    let registry = SchemaRegistry.registries.get(key);
    if (registry === undefined) {
      registry = new SchemaRegistry(key);
      SchemaRegistry.registries.set(key, registry);
    }
    return registry;
  }

  private readonly crds: readonly CachedCrd[];
  private readonly parsed = new Map<string, ParsedCrd[]>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly models = new Map<string, ModelClass | undefined>();
  private readonly ajv: Ajv;

  /**
   * Throws when the cache is missing, so a machine without `make cache` fails loudly instead of checking nothing.
   * @param cacheDir the upstream cache holding the pinned CRDs
   */
  public constructor(cacheDir: string = DEFAULT_CACHE_DIR) {
    this.crds = cachedCrds(cacheDir);
    // strict: false ignores the x-kubernetes-* keywords; skipping code optimization halves the compile time of the
    // megabyte Argo schemas, which are compiled once and then run only a few hundred times.
    // Compiled validators are cached in .build/ (compiled-schemas.ts), so the megabyte schemas compile once per change.
    this.ajv = new Ajv({ ...AJV_OPTIONS, code: { ...AJV_OPTIONS.code, ...CACHEABLE_CODE } });
    addFormats(this.ajv);
    this.ajv.addFormat('duration', GO_DURATION);
  }

  /**
   * Every schema error of one Kubernetes object, as `field.path: message` lines; empty when it is valid. A kind that
   * has no schema (neither a core kind nor a pinned CRD, or a pinned CRD the cache lacks) is an error too.
   */
  public validate(object: Readonly<Record<string, unknown>>): string[] {
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      return ['apiVersion and kind must both be strings; every manifest needs them'];
    }
    const model = this.coreModel(apiVersion, kind);
    if (model !== undefined) {
      return validateCoreObject(model, object);
    }
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
    const crd = this.findCrd(group, kind);
    if (crd === undefined) {
      return [this.noSchemaMessage(apiVersion, group, kind)];
    }
    const validator = this.crdValidator(crd, version);
    if (typeof validator === 'string') {
      return [validator];
    }
    const errors = validator(object) ? [] : formatAjvErrors(validator.errors ?? [], object);
    // CEL rules (x-kubernetes-validations), which ajv cannot evaluate, run as the API server runs them.
    const cel = celViolations(crd.parsed.versions.get(version), object);
    // The API server validates a custom resource's metadata as ObjectMeta, which the CRD schema leaves open.
    return [...errors, ...cel, ...validateObjectMeta(object.metadata)];
  }

  /** The kubernetes-models class for a core kind, or undefined when kubernetes-models has no such top-level kind. */
  private coreModel(apiVersion: string, kind: string): ModelClass | undefined {
    const key = `${apiVersion}/${kind}`;
    if (this.models.has(key)) {
      return this.models.get(key);
    }
    let model: ModelClass | undefined;
    if (API_VERSION.test(apiVersion) && KIND.test(kind)) {
      try {
        const exports = requireModel(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, unknown>;
        const candidate = exports[kind] as ModelClass | undefined;
        // Nested types (v1/PodSpec) have modules too but no apiVersion/kind of their own: not manifests.
        if (
          typeof candidate === 'function' &&
          candidate.apiVersion === apiVersion &&
          candidate.kind === kind
        ) {
          model = candidate;
        }
      } catch {
        model = undefined;
      }
    }
    this.models.set(key, model);
    return model;
  }

  /** The cached CRD defining `group`/`kind`, parsing as few files as possible. */
  private findCrd(group: string, kind: string): { crd: CachedCrd; parsed: ParsedCrd } | undefined {
    const available = this.crds.filter((crd) => crd.cachedPath !== undefined);
    // UPSTREAM_CRDS keys are the kinds in camelCase: try that file first, then any file that may hold the group.
    const ordered = [
      ...available.filter((crd) => crd.key.toLowerCase() === kind.toLowerCase()),
      ...available.filter((crd) => crd.key.toLowerCase() !== kind.toLowerCase()),
    ].filter((crd) => mayHoldGroup(crd, group));
    for (const crd of ordered) {
      // A chart's crds.yaml holds several CRDs in one file.
      const parsed = this.parseCrds(crd).find((p) => p.group === group && p.kind === kind);
      if (parsed !== undefined) {
        return { crd, parsed };
      }
    }
    return undefined;
  }

  private parseCrds(crd: CachedCrd): ParsedCrd[] {
    const file = crd.cachedPath as string;
    const cached = this.parsed.get(file);
    if (cached !== undefined) {
      return cached;
    }
    const documents = yamlDocumentsCached(file);
    const all = documents.map((document): ParsedCrd => {
      const spec = (document as { spec?: Record<string, unknown> } | null)?.spec;
      const names = spec?.names as { kind?: unknown } | undefined;
      if (
        typeof spec?.group !== 'string' ||
        typeof names?.kind !== 'string' ||
        !Array.isArray(spec.versions)
      ) {
        throw new Error(`${file} is not a CustomResourceDefinition; delete it and run \`make cache\``);
      }
      const versions = new Map<string, unknown>();
      for (const entry of spec.versions as {
        name?: unknown;
        served?: unknown;
        schema?: { openAPIV3Schema?: unknown };
      }[]) {
        if (typeof entry.name === 'string' && entry.served === true) {
          versions.set(entry.name, entry.schema?.openAPIV3Schema ?? {});
        }
      }
      return { group: spec.group, kind: names.kind, versions };
    });
    this.parsed.set(file, all);
    return all;
  }

  /** The compiled validator of one served version, or the error message when the CRD does not serve it. */
  private crdValidator(
    found: { crd: CachedCrd; parsed: ParsedCrd },
    version: string,
  ): ValidateFunction | string {
    const { crd, parsed } = found;
    const key = `${crd.cachedPath}#${parsed.kind}#${version}`;
    const cached = this.validators.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const schema = parsed.versions.get(version);
    if (schema === undefined) {
      const served = [...parsed.versions.keys()].join(', ');
      return `${parsed.group}/${version} ${parsed.kind} is not served by the pinned CRD ${crd.file.path}; it serves ${served}`;
    }
    const formats = new Set<string>();
    const prepared = prepareStructuralSchema(schema, formats);
    for (const format of formats) {
      // Formats the API server does not check (or that we cannot) must not fail compilation.
      if (this.ajv.formats[format] === undefined) {
        this.ajv.addFormat(format, true);
      }
    }
    const validator = compileCached(this.ajv, prepared as object, JSON.stringify(AJV_OPTIONS));
    this.validators.set(key, validator);
    return validator;
  }

  private noSchemaMessage(apiVersion: string, group: string, kind: string): string {
    const missing = this.crds.find(
      (crd) =>
        crd.cachedPath === undefined &&
        crd.key.toLowerCase() === kind.toLowerCase() &&
        mayHoldGroup(crd, group),
    );
    if (missing !== undefined) {
      return (
        `schema for ${apiVersion}/${kind} unavailable: ${missing.file.path} is not in the upstream cache; ` +
        'run `make cache` with internet access'
      );
    }
    return `no schema for ${apiVersion}/${kind}: not a core kind and no pinned CRD (add the CRD to config/upstream.ts)`;
  }
}

/** CRD files named `<group>_<plural>.yaml` can only define that group; others (Argo CD's) may define any. */
function mayHoldGroup(crd: CachedCrd, group: string): boolean {
  const base = path.posix.basename(crd.file.path);
  const separator = base.indexOf('_');
  return separator < 0 || base.slice(0, separator) === group;
}

function validateCoreObject(model: ModelClass, object: Readonly<Record<string, unknown>>): string[] {
  try {
    new model({ ...object }).validate();
    return [];
  } catch (error) {
    return describeModelError(error, object);
  }
}

function validateObjectMeta(metadata: unknown): string[] {
  if (metadata === undefined) {
    return [];
  }
  const { ObjectMeta } = requireModel('@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta') as {
    ObjectMeta: ModelClass;
  };
  try {
    new ObjectMeta(metadata as Record<string, unknown>).validate();
    return [];
  } catch (error) {
    return describeModelError(error, metadata, ['metadata']);
  }
}

function describeModelError(
  error: unknown,
  data: unknown,
  base: readonly (string | number)[] = [],
): string[] {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors)) {
    return formatAjvErrors(errors as ErrorObject[], data, base);
  }
  return [error instanceof Error ? error.message : String(error)];
}

/**
 * A copy of a CRD's structural schema that ajv checks the way the API server does: fields the schema does not declare
 * are errors (the server rejects them under strict field validation, kubectl's default, and prunes them otherwise),
 * `x-kubernetes-int-or-string` accepts an integer or a string, and `x-kubernetes-preserve-unknown-fields` and
 * `x-kubernetes-embedded-resource` keep their meaning. Collects the `format` names it meets into `formats`.
 */
export function prepareStructuralSchema(schema: unknown, formats: Set<string> = new Set()): unknown {
  return prepare(schema, formats, false);
}

function prepare(node: unknown, formats: Set<string>, insideJunctor: boolean): unknown {
  if (Array.isArray(node)) {
    return node.map((item) => prepare(item, formats, insideJunctor));
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  const source = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'properties' && value !== null && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, child]) => [
          name,
          prepare(child, formats, insideJunctor),
        ]),
      );
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] = prepare(value, formats, insideJunctor);
    } else if (key === 'anyOf' || key === 'allOf' || key === 'oneOf' || key === 'not') {
      out[key] = prepare(value, formats, true);
    } else if (key === 'format' && typeof value === 'string') {
      formats.add(value);
      out[key] = value;
    } else {
      out[key] = value;
    }
  }
  if (
    source['x-kubernetes-int-or-string'] === true &&
    source.anyOf === undefined &&
    source.type === undefined
  ) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  const preserve = source['x-kubernetes-preserve-unknown-fields'] === true;
  // Junctor branches only restate fields declared beside them, so closing a branch would reject declared fields.
  if (
    !insideJunctor &&
    !preserve &&
    source.properties !== undefined &&
    source.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  if (source['x-kubernetes-embedded-resource'] === true && out.properties !== undefined) {
    out.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      ...(out.properties as object),
    };
  }
  return out;
}

/**
 * Readable one-line messages (`spec.mode: must be string (got number 42)`) for ajv errors, with anyOf alternatives
 * folded into one message. `data` is the validated value, found at `base` within the object the paths should name.
 */
export function formatAjvErrors(
  errors: readonly ErrorObject[],
  data: unknown,
  base: readonly (string | number)[] = [],
): string[] {
  const anyOfPaths = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map((e) => e.schemaPath);
  // A value of the wrong type also fails its enum, pattern or format; the type error alone says what to fix.
  const wrongType = new Set(
    errors.filter((e) => e.keyword === 'type' && !isInside(e, anyOfPaths)).map((e) => e.instancePath),
  );
  const messages: string[] = [];
  for (const error of errors) {
    if (isInside(error, anyOfPaths)) {
      continue;
    }
    if (['enum', 'pattern', 'format', 'const'].includes(error.keyword) && wrongType.has(error.instancePath)) {
      continue;
    }
    const where = formatPath([...base, ...pointerSegments(error.instancePath)]);
    const value = valueAt(data, error.instancePath);
    let message: string;
    switch (error.keyword) {
      case 'additionalProperties':
        messages.push(
          `${prefix(formatPath([...base, ...pointerSegments(error.instancePath), String(error.params.additionalProperty)]))}unknown field (not in the schema)`,
        );
        continue;
      case 'required':
        message = `missing required field "${String(error.params.missingProperty)}"`;
        break;
      case 'enum':
        message = `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${show(value)})`;
        break;
      case 'type':
        message = `must be ${String(error.params.type)} (got ${show(value)})`;
        break;
      case 'anyOf':
      case 'oneOf': {
        const alternatives = errors
          .filter(
            (e) => e.schemaPath.startsWith(`${error.schemaPath}/`) && e.instancePath === error.instancePath,
          )
          .filter((e) => e.keyword === 'type')
          .map((e) => String(e.params.type));
        message =
          alternatives.length > 0
            ? `must be ${alternatives.join(' or ')} (got ${show(value)})`
            : `${error.message ?? 'is invalid'} (got ${show(value)})`;
        break;
      }
      default:
        message = `${error.message ?? 'is invalid'} (got ${show(value)})`;
    }
    messages.push(`${prefix(where)}${message}`);
  }
  return messages;
}

/** Whether the error comes from a branch of one of the anyOf/oneOf schemas at `junctorPaths`. */
function isInside(error: ErrorObject, junctorPaths: readonly string[]): boolean {
  return junctorPaths.some((schemaPath) => error.schemaPath.startsWith(`${schemaPath}/`));
}

function prefix(where: string): string {
  return where === '' ? '' : `${where}: `;
}

function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') {
    return [];
  }
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const segment of pointerSegments(pointer)) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function show(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  // JSON.stringify returns undefined for functions and symbols, which YAML and JSON documents never hold.
  const text = JSON.stringify(value) ?? typeof value;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `${kind} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
