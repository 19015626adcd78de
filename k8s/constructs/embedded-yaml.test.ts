import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { embeddedYaml, setEmbeddedYamlCache } from './embedded-yaml';

afterEach(() => setEmbeddedYamlCache(undefined));

const manifest = {
  apiVersion: 'sparkoperator.k8s.io/v1beta2',
  kind: 'SparkApplication',
  metadata: { name: 'x', labels: { a: 'b' } },
  spec: {
    arguments: ['--a=1', 'a long argument '.repeat(20)],
    driver: { cores: 1, memory: '2g' },
    skipped: undefined,
  },
};

test('renders what yaml.stringify renders, with and without a cache, and reuses a text from an earlier run', () => {
  const expected = stringify(manifest, { lineWidth: 0 });
  expect(embeddedYaml(manifest)).toBe(expected);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-yaml-')), 'cache.json');
  // A text from an earlier run, under the key this value has: served as is (so the key must be the value's).
  setEmbeddedYamlCache(file);
  expect(embeddedYaml(manifest)).toBe(expected);
  expect(embeddedYaml({ ...manifest, kind: 'Other' })).toBe(
    stringify({ ...manifest, kind: 'Other' }, { lineWidth: 0 }),
  );
});

test('a value JSON cannot describe exactly is rendered every time', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-yaml-')), 'cache.json');
  setEmbeddedYamlCache(file);
  expect(embeddedYaml({ limit: Infinity })).toBe(stringify({ limit: Infinity }, { lineWidth: 0 }));
  expect(embeddedYaml({ limit: Infinity })).toBe('limit: .inf\n');
});
