import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { stringify } from 'yaml';

/**
 * `stringify(value, { lineWidth: 0 })`: the YAML of a manifest embedded in another (an Argo resource template's
 * SparkApplication). Rendering YAML is the largest cost of a synth with many jobs (2,000 manifests at 500
 * pipelines), and most runs render the same manifests as the run before; so, when the entry point sets a cache file
 * ({@link setEmbeddedYamlCache}), texts are kept by the SHA-256 of the value's JSON, the yaml library's version and
 * this module's source. A value JSON cannot represent exactly is always rendered.
 */
export function embeddedYaml(value: object): string {
  if (cacheFile === undefined || !plainData(value)) return stringify(value, { lineWidth: 0 });
  const entries = loadEntries(cacheFile);
  const key = createHash('sha256').update(salt()).update(JSON.stringify(value)).digest('base64url');
  let text = entries.known.get(key);
  if (text === undefined) {
    text = stringify(value, { lineWidth: 0 });
    entries.added = true;
  }
  entries.used.set(key, text);
  return text;
}

let cacheFile: string | undefined;
let cache: { known: Map<string, string>; used: Map<string, string>; added: boolean } | undefined;

/**
 * Sets the cache file (k8s/main.ts: `<repo>/.build/embedded-yaml.json`); undefined (the default) renders every time.
 * The file is rewritten at exit with the texts this run used, when it rendered any new one.
 */
export function setEmbeddedYamlCache(file: string | undefined): void {
  cacheFile = file;
  cache = undefined;
}

function loadEntries(file: string): NonNullable<typeof cache> {
  if (cache !== undefined) return cache;
  let known = new Map<string, string>();
  try {
    known = new Map(Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>));
  } catch {
    // No cache yet, or a damaged one: render everything and write a new one.
  }
  const entries = { known, used: new Map<string, string>(), added: false };
  process.once('exit', () => {
    if (!entries.added || cacheFile !== file) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(Object.fromEntries(entries.used)));
    fs.renameSync(temporary, file);
  });
  cache = entries;
  return entries;
}

let saltValue: string | undefined;
function salt(): string {
  saltValue ??= createHash('sha256')
    .update(fs.readFileSync(__filename))
    .update(fs.readFileSync(createRequire(__filename).resolve('yaml/package.json')))
    .digest('hex');
  return saltValue;
}

/** Whether JSON.stringify describes the value completely (plain objects and arrays, strings, finite numbers). */
function plainData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => item !== undefined && plainData(item));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).every(
      ([key, v]) => key !== '__proto__' && (v === undefined || plainData(v)),
    );
  }
  return false;
}
