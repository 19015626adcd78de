import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type Ajv from 'ajv';
import type { Code, ValidateFunction } from 'ajv';
import { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { REPO_ROOT } from './upstream-cache';

/**
 * Caches for the two slowest steps of `make verify` (see `make bench`): compiling the pinned CRDs' schemas with ajv
 * (the Argo ones are megabytes) and parsing the CRD YAML files. Both results are kept in the git-ignored
 * .build/verify-cache/, named by the SHA-256 of their input together with the library versions and this module's
 * source, so a changed schema, library or compile option is never served a stale entry.
 */
export const VERIFY_CACHE_DIR = path.join(REPO_ROOT, '.build', 'verify-cache');

// Resolves ajv's runtime helpers that compiled validators require (ajv/dist/runtime/*), from the repository.
const requireHere = createRequire(__filename);

/** The module id compiled validators load their formats from; {@link FormatsAjv.opts} must name it (see below). */
const FORMATS_MODULE = 'sql-etl-on-eks:formats';

/**
 * The `code` options an Ajv instance needs for its validators to be cached: the generated source is kept, and format
 * checks are read from the instance's own formats (ajv-formats would otherwise point them at its module, which lacks
 * the formats added with `addFormat`, such as Kubernetes' Go duration).
 */
export const CACHEABLE_CODE: { source: true; formats: Code } = {
  source: true,
  formats: _`require(${FORMATS_MODULE})`,
};

let salt: string | undefined;
function cacheSalt(): string {
  salt ??= createHash('sha256')
    .update(fs.readFileSync(__filename))
    .update(fs.readFileSync(requireHere.resolve('ajv/package.json')))
    .update(fs.readFileSync(requireHere.resolve('ajv-formats/package.json')))
    .update(fs.readFileSync(requireHere.resolve('yaml/package.json')))
    .digest('hex');
  return salt;
}

function digest(...parts: readonly string[]): string {
  const hash = createHash('sha256').update(cacheSalt());
  for (const part of parts) hash.update('\0').update(part);
  return hash.digest('hex');
}

/** Writes under a unique name, then renames: two processes filling the same entry never see half a file. */
function writeEntry(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}

/**
 * `ajv.compile(schema)`, cached by the digest of the schema, the instance's formats and `salt` (a string naming
 * the instance's options, which the caller owns). The Ajv instance must have been created with `code:
 * CACHEABLE_CODE`. A cached validator is ajv's own generated code (ajv/dist/standalone), so it checks and reports
 * exactly as a fresh compile does.
 */
export function compileCached(ajv: Ajv, schema: object, salt: string): ValidateFunction {
  const formats = Object.entries(ajv.formats)
    .map(([name, format]) => `${name}=${format === true ? 'true' : 'check'}`)
    .sort();
  const file = path.join(
    VERIFY_CACHE_DIR,
    `ajv-${digest(salt, formats.join(','), JSON.stringify(schema))}.js`,
  );
  if (fs.existsSync(file)) {
    return loadValidator(ajv, file);
  }
  const validator = ajv.compile(schema);
  writeEntry(file, standaloneCode(ajv, validator));
  return validator;
}

/** Scripts whose V8 code cache is missing or stale; written when the process exits (see loadValidator). */
const codeCachesToWrite: { script: vm.Script; file: string }[] = [];

/**
 * Runs a cached validator's code. The generated code of the Argo schemas is about 10 MB, and parsing and compiling it
 * costs more than running it, so V8's code cache (bytecode, valid only for the same V8 and flags: V8 rejects it
 * otherwise, and it is rewritten) is kept beside it. The cache is written at exit, when it holds every function the
 * run compiled.
 */
function loadValidator(ajv: Ajv, file: string): ValidateFunction {
  const v8File = `${file.slice(0, -'.js'.length)}.${process.versions.v8}.v8`;
  const cachedData = fs.existsSync(v8File) ? fs.readFileSync(v8File) : undefined;
  const script = new vm.Script(`(function (require, module, exports) {${fs.readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    cachedData,
  });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    if (codeCachesToWrite.length === 0) {
      process.once('exit', () => {
        for (const entry of codeCachesToWrite) writeEntry(entry.file, entry.script.createCachedData());
      });
    }
    codeCachesToWrite.push({ script, file: v8File });
  }
  const module = { exports: {} as unknown };
  const require = (id: string): unknown => (id === FORMATS_MODULE ? ajv.formats : requireHere(id));
  // The code is what ajv generated for this schema in an earlier run (see compileCached), read from .build/.
  const run = script.runInThisContext() as (r: typeof require, m: typeof module, e: unknown) => void;
  run(require, module, module.exports);
  return module.exports as ValidateFunction;
}

/**
 * Every non-empty document of a YAML file as plain data (`toJS` with aliases unlimited), cached as JSON by the
 * digest of the file's bytes: the pinned CRD files are megabytes of YAML and never change between runs.
 */
export function yamlDocumentsCached(file: string): unknown[] {
  const text = fs.readFileSync(file, 'utf8');
  const entry = path.join(VERIFY_CACHE_DIR, `yaml-${digest(text)}.json`);
  if (fs.existsSync(entry)) {
    return JSON.parse(fs.readFileSync(entry, 'utf8')) as unknown[];
  }
  const documents = parseAllDocuments(text)
    .map((doc) => doc.toJS({ maxAliasCount: -1 }) as unknown)
    .filter((doc) => doc !== null && doc !== undefined);
  if (survivesJson(documents)) writeEntry(entry, JSON.stringify(documents));
  return documents;
}

/**
 * `parse(text, { maxAliasCount: -1 })` of a YAML file that never changes between runs (a pinned chart's values.yaml),
 * cached as JSON by the digest of the file's bytes. Values JSON cannot hold exactly (`.inf`, `.nan`) are not cached.
 */
export function yamlValueCached(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  const entry = path.join(VERIFY_CACHE_DIR, `yaml-value-${digest(text)}.json`);
  if (fs.existsSync(entry)) {
    return JSON.parse(fs.readFileSync(entry, 'utf8')) as unknown;
  }
  const value: unknown = parseYaml(text, { maxAliasCount: -1 });
  if (survivesJson(value)) writeEntry(entry, JSON.stringify(value ?? null));
  return value;
}

/** Whether JSON.parse(JSON.stringify(value)) gives back the same value (plain data, finite numbers). */
function survivesJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(survivesJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).every(([key, v]) => key !== '__proto__' && survivesJson(v));
  }
  return false;
}

/** Results computed in this process, as JSON text: each call parses its own copy, so no caller sees another's edits. */
const memory = new Map<string, string>();

/**
 * `compute(text)`, cached by the digest of `text`, `kind` and `salt` (the caller's own source, so a changed parser
 * invalidates its entries): in this process, and across runs in .build/verify-cache/. For parsers of files that are
 * read again by every check (dist/k8s YAML: the schema checks, the policy rules and the reference checks each read
 * it). Results JSON cannot hold exactly are computed every time.
 */
export function cachedByText<T>(kind: string, salt: string, text: string, compute: (text: string) => T): T {
  const key = digest(kind, salt, text);
  const known = memory.get(key);
  if (known !== undefined) return JSON.parse(known) as T;
  const entry = path.join(VERIFY_CACHE_DIR, `${kind}-${key}.json`);
  if (fs.existsSync(entry)) {
    const json = fs.readFileSync(entry, 'utf8');
    memory.set(key, json);
    return JSON.parse(json) as T;
  }
  const result = compute(text);
  if (survivesJson(result)) {
    const json = JSON.stringify(result);
    memory.set(key, json);
    writeEntry(entry, json);
  }
  return result;
}
