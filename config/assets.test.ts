import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { assetKey, assetOf, assetUri, isUploaded, listAssets } from './assets';
import dev from './environments/dev';
import { parseEnvironment } from './load';

const env = parseEnvironment({ file: 'config/environments/dev.ts', input: dev });

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'assets-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

describe('assets', () => {
  test('keys are content-addressed under jobs/ and keep the path below etl/', () => {
    expect(assetKey('etl/jobs/a/b.sql', 'select 1')).toMatch(/^jobs\/[0-9a-f]{16}\/jobs\/a\/b\.sql$/);
    expect(assetKey('etl/jobs/a/b.sql', 'select 1')).toBe(assetKey('etl/jobs/a/b.sql', 'select 1'));
    expect(assetKey('etl/jobs/a/b.sql', 'select 2')).not.toBe(assetKey('etl/jobs/a/b.sql', 'select 1'));
  });

  test('lists uploaded files only, sorted', () => {
    const root = tree({
      'etl/jobs/b/job.sql': 'select 1',
      'etl/jobs/a/job.ipynb': '{}',
      'etl/runners/sql_runner.py': 'print()',
      'etl/runners/test_sql_runner.py': 'test',
      'etl/runners/__pycache__/sql_runner.cpython-311.pyc': 'x',
      'etl/jobs/.DS_Store': 'x',
      'etl/pipelines/p.yaml': 'name: p',
    });
    expect(listAssets(root).map((a) => a.file)).toEqual([
      'etl/jobs/a/job.ipynb',
      'etl/jobs/b/job.sql',
      'etl/runners/sql_runner.py',
    ]);
  });

  test('isUploaded skips tests, caches and hidden files', () => {
    expect(isUploaded('etl/jobs/x/job.sql')).toBe(true);
    expect(isUploaded('etl/runners/test_sql_runner.py')).toBe(false);
    expect(isUploaded('etl/jobs/x/gen.test.ts')).toBe(false);
    expect(isUploaded('etl/jobs/.hidden/job.sql')).toBe(false);
  });

  test('fails naming the file when it is missing or outside the asset roots', () => {
    const root = tree({ 'etl/jobs/a.sql': 'x' });
    expect(() => assetOf(root, 'etl/jobs/missing.sql')).toThrow(/'etl\/jobs\/missing\.sql' does not exist/);
    expect(() => assetOf(root, 'etl/pipelines/p.yaml')).toThrow(/not under etl\/jobs or etl\/runners/);
  });

  test('URIs point into the environment assets bucket', () => {
    const root = tree({ 'etl/jobs/a.sql': 'x' });
    const asset = assetOf(root, 'etl/jobs/a.sql');
    expect(assetUri(env, asset)).toBe(`s3a://sqletl-dev-assets-111122223333-us-east-1/${asset.key}`);
    expect(assetUri(env, asset, 's3')).toMatch(/^s3:\/\//);
  });
});
