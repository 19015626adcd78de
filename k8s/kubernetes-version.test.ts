import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { loadPipelines } from '../config';
import { synthEnvironment } from './app';
import { DEV } from './testing';

const REPO_ROOT = path.resolve(__dirname, '..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-136-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

/** `1.35` or `v1.35` as a version (not inside an address or a longer number). */
const VERSION_135 = /(?<![\d.])v?1\.35(?![\d])/g;

test('an environment on 1.36 synthesizes its manifests and README with no 1.35 anywhere', () => {
  const env = { ...DEV, eks: { ...DEV.eks, version: '1.36' as const } };
  synthEnvironment(out, { env, pipelines: loadPipelines(REPO_ROOT, env), repoRoot: REPO_ROOT });
  const files = (fs.readdirSync(path.join(out, 'dev'), { recursive: true }) as string[]).filter((f) =>
    /\.(yaml|md)$/.test(f),
  );
  expect(files.length).toBeGreaterThan(20);
  const found = files.flatMap((f) =>
    [...fs.readFileSync(path.join(out, 'dev', f), 'utf8').matchAll(VERSION_135)].map((m) => `${f}: ${m[0]}`),
  );
  expect(found).toEqual([]);
  const namespaces = fs.readdirSync(path.join(out, 'dev', 'dev-namespaces'));
  const argo = fs.readFileSync(
    path.join(
      out,
      'dev',
      'dev-namespaces',
      namespaces.find((f) => f.includes('argo'))!,
    ),
    'utf8',
  );
  expect(argo).toContain('v1.36');
});
