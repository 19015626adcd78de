import { checkArgoReferences } from './argo-references';
import type { Dist } from './dist';
import { embeddedManifestsOf, objectLabel, parseYamlObjects } from './dist';
import { findLeaks } from './leaks';
import type { Problem } from './problem';
import { formatPath } from './problem';
import type { SchemaRegistry } from './schemas';
import { REPO_ROOT } from './upstream-cache';

/** Options of {@link verifyKubernetes}. */
export interface KubernetesCheckOptions {
  /** Validators for every kind. */
  readonly registry: SchemaRegistry;
  /**
   * The checkout whose absolute path must not appear in dist/.
   * @default - the repository holding verify/
   */
  readonly repoRoot?: string;
}

/** What {@link verifyKubernetes} found. */
export interface KubernetesCheckResult {
  /** Every problem, unsorted. */
  readonly problems: Problem[];
  /** Non-empty YAML documents read. */
  readonly documents: number;
  /** Documents per kind. */
  readonly kinds: Readonly<Record<string, number>>;
  /** Manifests embedded in Argo `resource` templates that were validated as well. */
  readonly embeddedManifests: number;
}

/** One parsed Kubernetes object of dist/k8s and where it came from. */
export interface LoadedObject {
  /** File relative to the report root. */
  readonly file: string;
  /** The environment: the first folder below dist/k8s. */
  readonly env: string;
  /** The object. */
  readonly object: Readonly<Record<string, unknown>>;
  /** `Kind/name`, how problems name it. */
  readonly label: string;
}

/** cdk8s appends `-c8` and 8 hex digits of the construct path unless a chart sets `disableResourceNameHashes`. */
const HASH_SUFFIX = /-c8[0-9a-f]{8}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const LABEL_NAMED_KINDS = new Set(['Namespace', 'Service']);
/** Argo appends a timestamp suffix to the workflows a CronWorkflow creates; its controller rejects longer names. */
const MAX_CRON_WORKFLOW_NAME = 52;

/**
 * Checks every *.yaml / *.yml of dist/k8s (one folder per environment): each document parses, validates against
 * its kind's schema, has a deterministic, valid name and labels, and holds no unresolved token or local path;
 * manifests embedded in Argo resource templates are validated too; no object is defined twice in one environment;
 * Argo template references resolve. Embedded manifests are parsed as written, before Argo substitutes `{{…}}`, so
 * generated manifests must keep Argo expressions inside (quoted) string fields.
 */
export function verifyKubernetes(dist: Dist, options: KubernetesCheckOptions): KubernetesCheckResult {
  const problems: Problem[] = [];
  const kinds: Record<string, number> = {};
  const loaded: LoadedObject[] = [];
  let documents = 0;
  let embeddedManifests = 0;
  const repoRoot = options.repoRoot ?? REPO_ROOT;

  for (const { file: report, env, parsed } of dist.kubernetesFiles) {
    for (const failure of parsed.failures) {
      problems.push({ file: report, object: `(document ${failure.index + 1})`, message: failure.message });
    }
    for (const { object } of parsed.objects) {
      documents += 1;
      const label = objectLabel(object);
      const kind = typeof object.kind === 'string' ? object.kind : '(no kind)';
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      const add = (message: string, where: string = label): void => {
        problems.push({ file: report, object: where, message });
      };
      options.registry.validate(object).forEach((message) => add(message));
      checkMetadata(object, false).forEach((message) => add(message));
      for (const leak of findLeaks(object, { repoRoot })) {
        add(`${formatPath(leak.path)}: ${leak.message}`);
      }
      for (const embedded of embeddedManifestsOf(object)) {
        const where = `${label} ${embedded.where}`;
        const inner = parseYamlObjects(embedded.manifest);
        for (const failure of inner.failures) {
          add(
            `${failure.message} (verify parses the manifest as written: keep {{…}} inside quoted strings)`,
            where,
          );
        }
        if (inner.objects.length === 0 && inner.failures.length === 0) {
          add('the manifest is empty', where);
        }
        for (const { object: manifest } of inner.objects) {
          embeddedManifests += 1;
          const kindOf = typeof manifest.kind === 'string' ? manifest.kind : '(no kind)';
          const embeddedWhere = `${where} (${kindOf})`;
          options.registry.validate(manifest).forEach((message) => add(message, embeddedWhere));
          checkMetadata(manifest, true).forEach((message) => add(message, embeddedWhere));
        }
      }
      loaded.push({ file: report, env, object, label });
    }
  }
  problems.push(...checkDuplicates(loaded), ...checkArgoReferences(loaded));
  return { problems, documents, kinds, embeddedManifests };
}

/**
 * Name and label rules the schemas do not express: a name is present (top-level objects need `metadata.name`, an
 * embedded manifest may use `generateName`), has no cdk8s hash suffix and is valid for its kind; label keys and
 * values are valid. Values holding Argo expressions (`{{…}}`) are checked only after Argo substitutes them, so skipped.
 */
export function checkMetadata(object: Readonly<Record<string, unknown>>, embedded: boolean): string[] {
  const metadata = object.metadata;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    return ['metadata is missing: every object needs metadata with a name'];
  }
  const { name, generateName, labels } = metadata as Record<string, unknown>;
  const messages: string[] = [];
  const kind = typeof object.kind === 'string' ? object.kind : '';
  if (typeof name === 'string' && name !== '') {
    messages.push(...checkName(kind, name));
  } else if (name !== undefined && name !== '') {
    // A name of the wrong type is a schema error, reported by the validator.
  } else if (!embedded) {
    messages.push(
      'metadata.name is missing: give every object in dist/ an explicit name (generated names differ on each apply)',
    );
  } else if (typeof generateName !== 'string' || generateName === '') {
    messages.push('metadata.name or metadata.generateName is required');
  }
  if (labels !== null && typeof labels === 'object' && !Array.isArray(labels)) {
    for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
      messages.push(...checkLabel(key, value));
    }
  }
  return messages;
}

/** Problems with one object name, for its kind; empty when valid. */
export function checkName(kind: string, name: string): string[] {
  if (name.includes('{{')) {
    return [];
  }
  const messages: string[] = [];
  if (HASH_SUFFIX.test(name)) {
    messages.push(
      `hash-suffixed name "${name}": cdk8s appended a hash of the construct path; set disableResourceNameHashes ` +
        'on the chart or give the object an explicit metadata.name',
    );
  }
  if (RBAC_KINDS.has(kind)) {
    if (name === '.' || name === '..' || /[/%]/.test(name)) {
      messages.push(`invalid name "${name}": RBAC names must not be "." or ".." or contain "/" or "%"`);
    }
  } else if (LABEL_NAMED_KINDS.has(kind)) {
    if (name.length > 63 || !DNS_LABEL.test(name)) {
      messages.push(
        `invalid name "${name}": a ${kind} name must be a DNS label (lowercase letters, digits and "-", at most 63)`,
      );
    }
  } else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    messages.push(
      `invalid name "${name}": must be a DNS subdomain (lowercase letters, digits, "-" and ".", at most 253)`,
    );
  }
  if (kind === 'CronWorkflow' && name.length > MAX_CRON_WORKFLOW_NAME) {
    messages.push(
      `invalid name "${name}": Argo rejects CronWorkflow names longer than ${MAX_CRON_WORKFLOW_NAME} characters ` +
        `(this one has ${name.length})`,
    );
  }
  return messages;
}

function checkLabel(key: string, value: unknown): string[] {
  const messages: string[] = [];
  const where = formatPath(['metadata', 'labels', key]);
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (
    (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) ||
    name.length > 63 ||
    !LABEL_NAME.test(name)
  ) {
    messages.push(
      `${where}: invalid label key (an optional DNS-subdomain prefix and "/", then at most 63 of [A-Za-z0-9-_.])`,
    );
  }
  if (typeof value === 'string' && !value.includes('{{') && (value.length > 63 || !LABEL_VALUE.test(value))) {
    messages.push(
      `${where}: invalid label value "${value}" (at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric)`,
    );
  }
  return messages;
}

/** The same object (group, kind, namespace, name) defined twice in one environment: the later one wins silently. */
function checkDuplicates(objects: readonly LoadedObject[]): Problem[] {
  const seen = new Map<string, LoadedObject>();
  const problems: Problem[] = [];
  for (const loaded of objects) {
    const { apiVersion, kind, metadata } = loaded.object as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: unknown;
    };
    const { name, namespace } = (metadata ?? {}) as { name?: unknown; namespace?: unknown };
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string') {
      continue;
    }
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const key = JSON.stringify([
      loaded.env,
      group,
      kind,
      typeof namespace === 'string' ? namespace : '',
      name,
    ]);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, loaded);
    } else {
      problems.push({
        file: loaded.file,
        object: loaded.label,
        message: `duplicate object: ${first.file} already defines this kind, namespace and name`,
      });
    }
  }
  return problems;
}

//END
