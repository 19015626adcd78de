import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { FetchText } from './upstream-cache';
import {
  cachedCrds,
  fillUpstreamCache,
  isSymlinkStub,
  readCachedUpstream,
  summarizeFill,
} from './upstream-cache';

const CRD_TEXT =
  'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  group: example.com\n';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'verify-cache-test-'));
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const files = [
  { path: 'crds/a/real.yaml', url: 'https://example.invalid/real.yaml' },
  { path: 'crds/b/stub.yaml', url: 'https://example.invalid/stub.yaml' },
  { path: 'crds/b/offline.yaml', url: 'https://example.invalid/offline.yaml' },
];

const fakeFetch: FetchText = (url) =>
  url.endsWith('/stub.yaml') ? Promise.resolve(CRD_TEXT) : Promise.reject(new Error('fetch failed'));

describe('isSymlinkStub', () => {
  test('recognizes a git symlink checked out as a file', () => {
    expect(isSymlinkStub('../../../pkg/apis/crds/karpenter.sh_nodepools.yaml')).toBe(true);
    expect(isSymlinkStub('../../../pkg/apis/crds/karpenter.sh_nodepools.yaml\n')).toBe(true);
  });

  test('does not mistake YAML for a stub', () => {
    expect(isSymlinkStub(CRD_TEXT)).toBe(false);
    expect(isSymlinkStub('key: value.yaml')).toBe(false);
    expect(isSymlinkStub('/abs/path.yaml')).toBe(false);
    expect(isSymlinkStub('')).toBe(false);
  });
});

describe('fillUpstreamCache', () => {
  test('copies real mirror files, downloads stubs and reports what neither source has', async () => {
    const mirrorDir = tempDir();
    const cacheDir = tempDir();
    write(path.join(mirrorDir, 'crds/a/real.yaml'), CRD_TEXT);
    write(path.join(mirrorDir, 'crds/b/stub.yaml'), '../../pkg/stub.yaml');
    write(path.join(mirrorDir, 'crds/b/offline.yaml'), '../../pkg/offline.yaml');
    write(path.join(mirrorDir, 'versions.json'), '{}\n');
    // A stub copied into the cache by an earlier naive copy must not survive as if it were the file.
    write(path.join(cacheDir, 'crds/b/offline.yaml'), '../../pkg/offline.yaml');

    const result = await fillUpstreamCache({ mirrorDir, cacheDir, files, fetchText: fakeFetch });

    expect(result.fromMirror).toEqual(['crds/a/real.yaml']);
    expect(result.downloaded).toEqual(['crds/b/stub.yaml']);
    expect(result.unavailable.map((u) => u.path)).toEqual(['crds/b/offline.yaml']);
    expect(result.unavailable[0].reason).toMatch(
      /symlink stub.*https:\/\/example\.invalid\/offline\.yaml failed/,
    );
    expect(fs.readFileSync(path.join(cacheDir, 'crds/a/real.yaml'), 'utf8')).toBe(CRD_TEXT);
    expect(fs.readFileSync(path.join(cacheDir, 'crds/b/stub.yaml'), 'utf8')).toBe(CRD_TEXT);
    expect(fs.existsSync(path.join(cacheDir, 'crds/b/offline.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(cacheDir, 'versions.json'))).toBe(true);
    expect(summarizeFill(result, mirrorDir)).toMatch(
      /^upstream cache: 1 copied from .* \(0 already up to date\), 1 downloaded, 1 unavailable: crds\/b\/offline\.yaml$/,
    );
  });

  test('leaves identical files alone and keeps earlier downloads when offline', async () => {
    const mirrorDir = tempDir();
    const cacheDir = tempDir();
    write(path.join(mirrorDir, 'crds/a/real.yaml'), CRD_TEXT);
    write(path.join(mirrorDir, 'crds/b/stub.yaml'), '../../pkg/stub.yaml');
    await fillUpstreamCache({ mirrorDir, cacheDir, files: files.slice(0, 2), fetchText: fakeFetch });

    const offline: FetchText = () => Promise.reject(new Error('offline'));
    const again = await fillUpstreamCache({
      mirrorDir,
      cacheDir,
      files: files.slice(0, 2),
      fetchText: offline,
    });

    expect(again.unchanged).toEqual(['crds/a/real.yaml']);
    expect(again.kept).toEqual(['crds/b/stub.yaml']);
    expect(again.unavailable).toEqual([]);
  });

  test('rejects a download that is not a YAML mapping', async () => {
    const cacheDir = tempDir();
    const html: FetchText = () => Promise.resolve('<html>rate limited</html>');
    const result = await fillUpstreamCache({
      mirrorDir: tempDir(),
      cacheDir,
      files: files.slice(0, 1),
      fetchText: html,
    });
    expect(result.unavailable[0].reason).toMatch(/not a YAML mapping/);
    expect(fs.existsSync(path.join(cacheDir, 'crds/a/real.yaml'))).toBe(false);
  });
});

describe('reading the cache', () => {
  test('fails with "run `make cache`" when the cache is missing', () => {
    const missing = path.join(tempDir(), 'no-cache');
    expect(() => readCachedUpstream('crds/a/real.yaml', missing)).toThrow(/does not exist; run `make cache`/);
    expect(() => cachedCrds(missing)).toThrow(/run `make cache`/);
  });

  test('fails with "run `make cache`" when the cache holds no pinned CRD', () => {
    expect(() => cachedCrds(tempDir())).toThrow(/holds none of the pinned CRDs; run `make cache`/);
  });

  test('fails when one file is missing or a stub', () => {
    const cacheDir = tempDir();
    write(path.join(cacheDir, 'crds/b/stub.yaml'), '../../pkg/stub.yaml');
    expect(() => readCachedUpstream('crds/a/real.yaml', cacheDir)).toThrow(
      /not in the upstream cache .*run `make cache`/,
    );
    expect(() => readCachedUpstream('crds/b/stub.yaml', cacheDir)).toThrow(/symlink stub/);
  });

  test('lists every pinned CRD and whether it is cached', () => {
    const crds = cachedCrds();
    expect(crds.map((crd) => crd.key)).toContain('sparkApplication');
    const spark = crds.find((crd) => crd.key === 'sparkApplication');
    expect(spark?.cachedPath).toBeDefined();
    expect(readCachedUpstream(spark?.file.path ?? '')).toMatch(/kind: CustomResourceDefinition/);
  });
});
