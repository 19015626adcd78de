import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { yamlValueCached } from './compiled-schemas';
import { closest } from '../config';

/**
 * What a released Helm chart accepts as values, read from the chart itself: its defaults (values.yaml), its
 * values.schema.json when it ships one, the `.Values.` paths its templates read, and its dependencies. Helm renders
 * any values document without a word about keys the chart never reads, so a misspelt key silently keeps the default;
 * {@link unknownValueKeys} finds those keys.
 */
export interface ChartValuesModel {
  /** `<chart> <version>` for messages. */
  readonly label: string;
  /** The parsed values.yaml (an empty mapping when the chart has none). */
  readonly defaults: Record<string, unknown>;
  /** The parsed values.schema.json, when the chart ships one. */
  readonly schema?: Record<string, unknown>;
  /** Every `.Values.a.b` path the templates read, as `a.b` and each of its prefixes (`a`). */
  readonly templatePaths: ReadonlySet<string>;
  /** Paths the templates read with a child (`.Values.a.b` makes `a` a parent), i.e. structured mappings. */
  readonly templateParents: ReadonlySet<string>;
  /** Dependencies by the key their values live under (alias or name). */
  readonly dependencies: ReadonlyMap<string, ChartValuesModel>;
}

/** A key of a values document that the chart does not know. */
export interface UnknownValueKey {
  /** Path of the key in the values document, e.g. `controller.replicsa`. */
  readonly path: string;
  /** The message to report. */
  readonly message: string;
}

// `.Values.a.b`, `$.Values.a.b` and `index .Values "a" "b"` (for keys that are not Go identifiers, e.g. redis-ha).
const DOT_PATH = /\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;
const INDEX_PATH = /index\s+\$?\.Values((?:\s+"[^"]+")+)/g;

/** Reads the chart folder (as released: Chart.yaml, values.yaml, templates/, charts/<dependency>/). */
export function loadChartValuesModel(dir: string): ChartValuesModel {
  const chart = parseYaml(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as {
    name?: string;
    version?: string;
    dependencies?: { name: string; alias?: string }[];
  };
  const valuesFile = path.join(dir, 'values.yaml');
  const defaults = fs.existsSync(valuesFile)
    ? ((yamlValueCached(valuesFile) ?? {}) as Record<string, unknown>)
    : {};
  const schemaFile = path.join(dir, 'values.schema.json');
  const schema = fs.existsSync(schemaFile)
    ? (JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Record<string, unknown>)
    : undefined;
  const templatePaths = new Set<string>();
  const templateParents = new Set<string>();
  const addPath = (segments: string[]): void => {
    for (let i = 1; i <= segments.length; i++) {
      templatePaths.add(segments.slice(0, i).join('.'));
      if (i < segments.length) {
        templateParents.add(segments.slice(0, i).join('.'));
      }
    }
  };
  for (const file of listFiles(path.join(dir, 'templates'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(DOT_PATH)) {
      addPath(match[1].slice(1).split('.'));
    }
    for (const match of text.matchAll(INDEX_PATH)) {
      addPath([...match[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]));
    }
  }
  const dependencies = new Map<string, ChartValuesModel>();
  for (const dependency of chart.dependencies ?? []) {
    const sub = path.join(dir, 'charts', dependency.name);
    if (fs.existsSync(path.join(sub, 'Chart.yaml'))) {
      dependencies.set(dependency.alias ?? dependency.name, loadChartValuesModel(sub));
    }
  }
  return {
    label: `${chart.name ?? path.basename(dir)} ${chart.version ?? ''}`.trim(),
    defaults,
    schema,
    templatePaths,
    templateParents,
    dependencies,
  };
}

/**
 * Every key of `values` the chart does not know. A key is known when the chart's defaults hold it, its schema
 * declares it (or leaves the mapping open), or a template reads it. Below a known key the walk goes on while the
 * mapping is structured — its defaults have keys and a template reads one of them by name, or its schema lists its
 * properties — and stops at a free-form mapping (`annotations: {}`, a `nodeSelector` the templates pass whole to
 * `toYaml`), where any key is the user's. Lists are never entered. Keys under a dependency's name are checked against
 * the dependency; `global` against the chart and its dependencies together.
 */
export function unknownValueKeys(model: ChartValuesModel, values: unknown): UnknownValueKey[] {
  if (!isMapping(values)) {
    return [];
  }
  const problems: UnknownValueKey[] = [];
  for (const [key, value] of Object.entries(values)) {
    const dependency = model.dependencies.get(key);
    if (dependency !== undefined) {
      // The parent may default keys of its own there too (the `enabled` of a dependency's condition).
      problems.push(
        ...unknownValueKeys(dependency, value)
          .filter((p) => !lookup(model.defaults, [key, ...p.path.split('.')]).found)
          .map((p) => prefixed(key, p)),
      );
      continue;
    }
    if (key === 'global') {
      const charts = [model, ...model.dependencies.values()];
      const perChart = charts.map((chart) => walk(chart, ['global'], value));
      // A global key is fine when any chart of the release reads it.
      const first = perChart[0] ?? [];
      problems.push(...first.filter((p) => perChart.every((list) => list.some((q) => q.path === p.path))));
      continue;
    }
    problems.push(...walk(model, [key], value));
  }
  return problems;
}

function walk(model: ChartValuesModel, at: string[], value: unknown): UnknownValueKey[] {
  const problems: UnknownValueKey[] = [];
  const parent = at.slice(0, -1);
  if (!knows(model, at)) {
    if (isStructured(model, parent)) {
      problems.push({ path: at.join('.'), message: unknownKeyMessage(model, at) });
    }
    return problems;
  }
  if (!isMapping(value) || !isStructured(model, at)) {
    return problems;
  }
  for (const [child, childValue] of Object.entries(value)) {
    problems.push(...walk(model, [...at, child], childValue));
  }
  return problems;
}

/** Whether the chart's defaults, schema or templates know the key at `at`. */
function knows(model: ChartValuesModel, at: string[]): boolean {
  if (lookup(model.defaults, at).found) {
    return true;
  }
  const dotted = at.join('.');
  if (model.templatePaths.has(dotted)) {
    return true;
  }
  if (model.schema !== undefined) {
    const verdict = schemaAdmits(model.schema, model.schema, at);
    if (verdict !== 'unknown') {
      return verdict === 'declared' || verdict === 'open';
    }
  }
  // A key that is no Go identifier (`exec.enabled`, `kubernetes.io/os`) cannot be read by name: a template that reads
  // its parent consumes it whole (`range`, `toYaml`, `omit`), as Argo CD's `configs.cm` does with ConfigMap data.
  const parent = at.slice(0, -1);
  if (
    parent.length > 0 &&
    !/^[A-Za-z_][A-Za-z0-9_]*$/.test(at[at.length - 1]) &&
    model.templatePaths.has(parent.join('.'))
  ) {
    return true;
  }
  // A parent that is free-form admits any key.
  return parent.length > 0 && !isStructured(model, parent);
}

/**
 * A mapping is structured (its keys are the chart's names, not the user's) when the schema lists its properties
 * without opening it, or when its defaults have keys and the templates read one of them by name, or when the
 * templates read its children by name though the defaults leave it out.
 */
function isStructured(model: ChartValuesModel, at: string[]): boolean {
  if (at.length === 0) {
    return true;
  }
  if (model.schema !== undefined) {
    const node = schemaAt(model.schema, model.schema, at);
    if (node !== undefined && isClosedObjectSchema(node)) {
      return true;
    }
    if (node !== undefined && isOpenObjectSchema(node)) {
      return false;
    }
  }
  const dotted = at.join('.');
  const readByName = model.templateParents.has(dotted);
  const defaults = lookup(model.defaults, at);
  if (defaults.found && isMapping(defaults.value) && Object.keys(defaults.value).length > 0) {
    // Defaults with keys, passed whole to a template (`toYaml .Values.nodeSelector`), are an example, not a shape.
    return readByName || !model.templatePaths.has(dotted);
  }
  return readByName;
}

function unknownKeyMessage(model: ChartValuesModel, at: string[]): string {
  const parent = at.slice(0, -1);
  const key = at[at.length - 1];
  const siblings = new Set<string>();
  const defaults = lookup(model.defaults, parent);
  if (defaults.found && isMapping(defaults.value)) {
    Object.keys(defaults.value).forEach((k) => siblings.add(k));
  }
  const prefix = parent.length === 0 ? '' : `${parent.join('.')}.`;
  for (const p of model.templatePaths) {
    if (p.startsWith(prefix) && !p.slice(prefix.length).includes('.') && p.length > prefix.length) {
      siblings.add(p.slice(prefix.length));
    }
  }
  if (model.schema !== undefined) {
    const node = schemaAt(model.schema, model.schema, parent);
    for (const k of Object.keys(schemaProperties(model.schema, node))) {
      siblings.add(k);
    }
  }
  const guess = closest(key, [...siblings]);
  return (
    `key '${key}' is unknown to chart ${model.label}: not in its values.yaml, ` +
    `${model.schema === undefined ? '' : 'not in its values.schema.json, '}and no template reads ` +
    `.Values.${at.join('.')}; Helm would ignore it` +
    (guess === undefined ? '' : `; did you mean '${guess}'?`)
  );
}

type SchemaVerdict = 'declared' | 'open' | 'closed' | 'unknown';

function schemaAdmits(root: Record<string, unknown>, schema: unknown, at: string[]): SchemaVerdict {
  const parent = schemaAt(root, schema, at.slice(0, -1));
  if (parent === undefined) {
    return 'unknown';
  }
  const key = at[at.length - 1];
  if (Object.hasOwn(schemaProperties(root, parent), key)) {
    return 'declared';
  }
  const patterns = (resolve(root, parent) as { patternProperties?: Record<string, unknown> })
    .patternProperties;
  if (patterns !== undefined && Object.keys(patterns).some((p) => new RegExp(p, 'u').test(key))) {
    return 'declared';
  }
  if (isOpenObjectSchema(parent)) {
    return 'open';
  }
  return isClosedObjectSchema(parent) ? 'closed' : 'unknown';
}

/** The subschema at a path, following properties, local `$ref`s and `allOf`/`anyOf`/`oneOf` branches. */
function schemaAt(root: Record<string, unknown>, schema: unknown, at: string[]): unknown {
  let node: unknown = schema;
  for (const key of at) {
    const props = schemaProperties(root, node);
    if (!Object.hasOwn(props, key)) {
      const additional = (resolve(root, node) as { additionalProperties?: unknown } | undefined)
        ?.additionalProperties;
      if (additional !== undefined && typeof additional === 'object') {
        node = additional;
        continue;
      }
      return undefined;
    }
    node = props[key];
  }
  return node === undefined ? undefined : resolve(root, node);
}

function schemaProperties(root: Record<string, unknown>, node: unknown): Record<string, unknown> {
  const resolved = resolve(root, node) as Record<string, unknown> | undefined;
  if (resolved === undefined || typeof resolved !== 'object') {
    return {};
  }
  const own = (resolved.properties ?? {}) as Record<string, unknown>;
  const branches = ['allOf', 'anyOf', 'oneOf'].flatMap((k) =>
    Array.isArray(resolved[k]) ? (resolved[k] as unknown[]) : [],
  );
  return Object.assign({}, ...branches.map((b) => schemaProperties(root, b)), own) as Record<string, unknown>;
}

function resolve(root: Record<string, unknown>, node: unknown): unknown {
  let current = node;
  for (let depth = 0; depth < 20; depth++) {
    const ref = (current as { $ref?: unknown } | undefined)?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) {
      return current;
    }
    current = ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (n, part) => (n as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/')],
        root,
      );
  }
  return current;
}

function isClosedObjectSchema(node: unknown): boolean {
  const n = node as { additionalProperties?: unknown; properties?: unknown } | undefined;
  return n !== undefined && n.additionalProperties === false;
}

function isOpenObjectSchema(node: unknown): boolean {
  const n = node as { additionalProperties?: unknown; type?: unknown; properties?: unknown } | undefined;
  if (n === undefined) {
    return false;
  }
  return (
    n.additionalProperties === true ||
    (typeof n.additionalProperties === 'object' && n.additionalProperties !== null) ||
    (n.type === 'object' && n.properties === undefined && n.additionalProperties === undefined)
  );
}

function lookup(tree: unknown, at: string[]): { found: boolean; value?: unknown } {
  let node = tree;
  for (const key of at) {
    if (!isMapping(node) || !Object.hasOwn(node, key)) {
      return { found: false };
    }
    node = node[key];
  }
  return { found: true, value: node };
}

/** Helm's merge of user values over chart defaults: mappings merge key by key, anything else replaces; null deletes. */
export function mergeValues(defaults: unknown, values: unknown): unknown {
  if (!isMapping(defaults) || !isMapping(values)) {
    return values === undefined ? defaults : values;
  }
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) {
      delete merged[key];
    } else {
      merged[key] = mergeValues(defaults[key], value);
    }
  }
  return merged;
}

function prefixed(key: string, problem: UnknownValueKey): UnknownValueKey {
  return { path: `${key}.${problem.path}`, message: problem.message };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) =>
      entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    );
}
