import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { expect, test } from 'vitest';
import {
  CACHEABLE_CODE,
  VERIFY_CACHE_DIR,
  compileCached,
  yamlDocumentsCached,
  yamlValueCached,
} from './compiled-schemas';

function ajv(): Ajv {
  const instance = new Ajv({ strict: false, allErrors: true, logger: false, code: { ...CACHEABLE_CODE } });
  addFormats(instance);
  // A format ajv-formats defines differently (ISO 8601 there): the cached code must use this one.
  instance.addFormat('duration', /^(\d+(s|m|h))+$/);
  return instance;
}

function entries(): string[] {
  return fs.existsSync(VERIFY_CACHE_DIR) ? fs.readdirSync(VERIFY_CACHE_DIR) : [];
}

test('a validator read back from the cache checks and reports exactly as the compiled one', () => {
  // The test file's own path makes the schema (and so the cache entry) unique to this run.
  const schema = {
    type: 'object',
    required: ['name', 'timeout'],
    additionalProperties: false,
    properties: {
      name: {
        type: 'string',
        pattern: '^[a-z]+$',
        description: fs.mkdtempSync(path.join(os.tmpdir(), 'ajv-')),
      },
      timeout: { type: 'string', format: 'duration' },
      when: { type: 'string', format: 'date-time' },
    },
  };
  const before = new Set(entries());
  const fresh = compileCached(ajv(), schema, 'test');
  const added = entries().filter((e) => !before.has(e));
  expect(added).toHaveLength(1);
  const cached = compileCached(ajv(), schema, 'test');
  expect(cached).not.toBe(fresh);
  const inputs = [
    { name: 'spark', timeout: '90s', when: '2026-01-01T00:00:00Z' },
    { name: 'Spark', timeout: 'PT90S', when: 'yesterday', extra: 1 },
    { timeout: 5 },
  ];
  for (const input of inputs) {
    const verdicts = [fresh, cached].map((validate) => ({
      ok: validate(input),
      errors: validate.errors ?? null,
    }));
    expect(verdicts[1]).toEqual(verdicts[0]);
  }
  expect(cached(inputs[0])).toBe(true);
  expect(cached(inputs[1])).toBe(false);
  expect((cached.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`).sort()).toEqual([
    ' additionalProperties',
    '/name pattern',
    '/timeout format',
    '/when format',
  ]);
  for (const entry of added) fs.rmSync(path.join(VERIFY_CACHE_DIR, entry));
});

test('YAML read back from the cache equals a fresh parse; values JSON cannot hold are not cached', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-cache-'));
  const plain = path.join(dir, 'plain.yaml');
  fs.writeFileSync(plain, `# ${dir}\nkind: A\nspec: &s {a: 1, b: [x, y]}\ncopy: *s\n---\nkind: B\n---\n`);
  const first = yamlDocumentsCached(plain);
  expect(first).toEqual([
    { kind: 'A', spec: { a: 1, b: ['x', 'y'] }, copy: { a: 1, b: ['x', 'y'] } },
    { kind: 'B' },
  ]);
  expect(yamlDocumentsCached(plain)).toEqual(first);
  const special = path.join(dir, 'special.yaml');
  fs.writeFileSync(special, `# ${dir}\nlimit: .inf\n`);
  const before = new Set(entries());
  expect(yamlValueCached(special)).toEqual({ limit: Infinity });
  expect(entries().filter((e) => !before.has(e))).toEqual([]);
  expect(yamlValueCached(special)).toEqual({ limit: Infinity });
  fs.rmSync(dir, { recursive: true });
});
