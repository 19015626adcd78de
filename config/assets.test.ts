import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, test } from 'vitest';
import {
  LEDGER_FILE,
  LEDGER_HEADER,
  assetKey,
  assetOf,
  assetUri,
  isUploaded,
  ledgerText,
  listAssets,
  mergeLedger,
  parseLedger,
  readLedger,
  updateLedger,
  type Asset,
  type Ledger,
} from './assets';
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

/** The asset of a path with the given content (no file needed). */
const asset = (file: string, content: string): Asset => ({ file, key: assetKey(file, content) });

describe('asset ledger', () => {
  const a1 = asset('etl/jobs/a/job.sql', 'select 1');
  const a2 = asset('etl/jobs/a/job.sql', 'select 2');
  const b1 = asset('etl/runners/b.py', 'print()');
  const c1 = asset('etl/jobs/c.sql', 'select 3');

  test('merge appends unseen keys to their file and never removes or reorders anything', () => {
    const previous: Ledger = { [a1.file]: [a1.key], [c1.file]: [c1.key] };
    // c was deleted, a changed, b is new.
    const merged = mergeLedger(previous, [a2, b1]);
    expect(merged).toEqual({ [a1.file]: [a1.key, a2.key], [c1.file]: [c1.key], [b1.file]: [b1.key] });
    // Reverting a to its first content adds nothing: its key is already listed.
    expect(mergeLedger(merged, [a1, b1])).toEqual(merged);
    // The previous ledger is not modified.
    expect(previous).toEqual({ [a1.file]: [a1.key], [c1.file]: [c1.key] });
  });

  test('merge is deterministic: files sorted by path, whatever the order of its inputs', () => {
    const merged = mergeLedger({ [c1.file]: [c1.key] }, [b1, a2, a1]);
    expect(Object.keys(merged)).toEqual([a1.file, c1.file, b1.file]);
    expect(merged[a1.file]).toEqual([a2.key, a1.key]);
    expect(ledgerText(mergeLedger({ [c1.file]: [c1.key] }, [a2, a1, b1]))).toBe(ledgerText(merged));
    expect(Object.keys(mergeLedger(merged, [b1, a2, a1]))).toEqual(Object.keys(merged));
    expect(mergeLedger(merged, [b1, a2, a1])).toEqual(merged);
    expect(ledgerText(mergeLedger(merged, []))).toBe(ledgerText(merged));
  });

  test('the text starts with the header, lists files sorted and ends with a newline', () => {
    const text = ledgerText({ [b1.file]: [b1.key], [a1.file]: [a1.key, a2.key] });
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['//', a1.file, b1.file]);
    expect((JSON.parse(text) as Record<string, unknown>)['//']).toBe(LEDGER_HEADER);
    expect(parseLedger(text)).toEqual({ [a1.file]: [a1.key, a2.key], [b1.file]: [b1.key] });
    expect(ledgerText({})).toBe(`{\n  "//": ${JSON.stringify(LEDGER_HEADER)}\n}\n`);
  });

  test('the text is what Prettier would write, so prettier --check accepts it', async () => {
    // A one-key line is 2 × (path length) + 28 characters: a 41-character path fills the 110 columns exactly, so
    // the line fits only when it is the last (no trailing comma).
    const p40 = 'etl/jobs/' + 'x'.repeat(27) + '.sql';
    const p41 = 'etl/jobs/' + 'y'.repeat(28) + '.sql';
    const p41last = 'etl/runners/' + 'z'.repeat(25) + '.sql';
    expect([p40.length, p41.length, p41last.length]).toEqual([40, 41, 41]);
    const ledger: Ledger = {
      [a1.file]: [a1.key, a2.key],
      [p40]: [assetKey(p40, '1')],
      [p41]: [assetKey(p41, '1')],
      ['etl/jobs/customer-scd2/data/contacts_initial.csv']: [
        assetKey('etl/jobs/customer-scd2/data/contacts_initial.csv', '1'),
        assetKey('etl/jobs/customer-scd2/data/contacts_initial.csv', '2'),
      ],
      [p41last]: [assetKey(p41last, '1')],
    };
    const text = ledgerText(ledger);
    const lines = text.split('\n');
    expect(lines).toContain(`  "${p41last}": ["${assetKey(p41last, '1')}"]`);
    expect(lines).toContain(`  "${p40}": ["${assetKey(p40, '1')}"],`);
    expect(lines).toContain(`  "${p41}": [`);
    const options = (await prettier.resolveConfig(path.resolve(__dirname, '..', LEDGER_FILE))) ?? {};
    expect(options.printWidth).toBe(110);
    expect(await prettier.format(text, { ...options, parser: 'json' })).toBe(text);
  });

  test('a missing ledger is empty', () => {
    expect(readLedger(tree({ 'etl/jobs/a.sql': 'x' }))).toEqual({});
  });

  test('fails when the ledger is malformed, naming the file and the fix', () => {
    const fix =
      /restore the committed version \(git checkout -- etl\/assets\.lock\.json\) and run 'make synth'/;
    const read = (text: string) => () => readLedger(tree({ [LEDGER_FILE]: text }));
    expect(read('{ "etl/jobs/a.sql": [')).toThrow(/^etl\/assets\.lock\.json: not valid JSON \(/);
    expect(read('{ "etl/jobs/a.sql": [')).toThrow(fix);
    expect(read('[]')).toThrow(
      /etl\/assets\.lock\.json: expected a JSON object of file paths to lists of keys/,
    );
    expect(read('{ "etl/pipelines/p.yaml": [] }')).toThrow(
      /'etl\/pipelines\/p\.yaml' is not under etl\/jobs/,
    );
    expect(read('{ "etl/jobs/a.sql": "jobs/x" }')).toThrow(
      /'etl\/jobs\/a\.sql' must map to a non-empty list/,
    );
    expect(read('{ "etl/jobs/a.sql": [] }')).toThrow(/non-empty list of keys/);
    expect(read(`{ "etl/jobs/a.sql": ["${assetKey('etl/jobs/b.sql', 'x')}"] }`)).toThrow(
      /'jobs\/[0-9a-f]{16}\/jobs\/b\.sql' is not a key of 'etl\/jobs\/a\.sql' \(jobs\/<16 hex digits>\/jobs\/a\.sql\)/,
    );
    const key = assetKey('etl/jobs/a.sql', 'x');
    expect(read(`{ "etl/jobs/a.sql": ["${key}", "${key}"] }`)).toThrow(
      /'etl\/jobs\/a\.sql' lists a key twice/,
    );
  });

  test('fails on merge-conflict markers, saying how to resolve them', () => {
    const conflicted = [
      '{',
      '<<<<<<< HEAD',
      `  "etl/jobs/a.sql": ["${assetKey('etl/jobs/a.sql', '1')}"]`,
      '=======',
      `  "etl/jobs/a.sql": ["${assetKey('etl/jobs/a.sql', '2')}"]`,
      '>>>>>>> feature',
      '}',
    ].join('\n');
    expect(() => parseLedger(conflicted)).toThrow(
      /^etl\/assets\.lock\.json: unresolved merge conflict; for each file keep every key of both sides/,
    );
  });

  describe('updateLedger', () => {
    test('writes the ledger when keys are added, and only then', () => {
      const root = tree({ 'etl/jobs/a/job.sql': 'select 1', 'etl/runners/b.py': 'print()' });
      const file = path.join(root, LEDGER_FILE);
      expect(updateLedger(root)).toEqual({ changed: true, added: 2 });
      const first = fs.readFileSync(file, 'utf8');
      expect(parseLedger(first)).toEqual({ [a1.file]: [a1.key], [b1.file]: [b1.key] });

      // Unchanged: the file is not touched at all.
      const past = new Date('2020-01-01T00:00:00Z');
      fs.utimesSync(file, past, past);
      expect(updateLedger(root)).toEqual({ changed: false, added: 0 });
      expect(fs.statSync(file).mtime).toEqual(past);

      // A changed file adds one version; a deleted one stays.
      fs.writeFileSync(path.join(root, a1.file), 'select 2');
      fs.rmSync(path.join(root, b1.file));
      expect(updateLedger(root)).toEqual({ changed: true, added: 1 });
      expect(readLedger(root)).toEqual({ [a1.file]: [a1.key, a2.key], [b1.file]: [b1.key] });

      // Reverting adds nothing.
      fs.writeFileSync(path.join(root, a1.file), 'select 1');
      expect(updateLedger(root)).toEqual({ changed: false, added: 0 });
    });

    test('rewrites a ledger whose layout was changed by hand, adding nothing', () => {
      const root = tree({ 'etl/jobs/a/job.sql': 'select 1' });
      fs.writeFileSync(path.join(root, LEDGER_FILE), JSON.stringify({ [a1.file]: [a1.key] }));
      expect(updateLedger(root)).toEqual({ changed: true, added: 0 });
      expect(fs.readFileSync(path.join(root, LEDGER_FILE), 'utf8')).toBe(ledgerText({ [a1.file]: [a1.key] }));
    });

    test('fails without writing when the ledger is malformed', () => {
      const root = tree({ 'etl/jobs/a/job.sql': 'select 1', [LEDGER_FILE]: 'not json' });
      expect(() => updateLedger(root)).toThrow(/etl\/assets\.lock\.json: not valid JSON/);
      expect(fs.readFileSync(path.join(root, LEDGER_FILE), 'utf8')).toBe('not json');
    });
  });
});
