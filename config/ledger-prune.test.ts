import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LEDGER_FILE, assetKey, readLedger, updateLedger } from './assets';
import { pruneLedger, writePrunedLedger } from './ledger-prune';

const FILE = 'etl/jobs/demo/query.sql';
const other = 'etl/jobs/demo/other.sql';

let dir: string;
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
/** Saves a version of a file and runs what `make synth` does to the ledger. */
const save = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
  updateLedger(dir);
};
const commit = (message: string) => {
  git('add', '-A');
  git('commit', '-q', '-m', message);
};
const key = (file: string, text: string) => assetKey(file, text);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-prune-'));
  git('init', '-q', '-b', 'main');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ledger-prune', () => {
  test('removes drafts that were never committed, keeps the base ledger, committed and current versions', () => {
    // main: a draft that reached main's ledger (never committed itself), then v1.
    save(FILE, 'select 0');
    save(FILE, 'select 1');
    save(other, 'select 10');
    commit('v1');
    // A branch: two drafts, the second committed; then an uncommitted edit in the working copy.
    git('checkout', '-q', '-b', 'feature');
    save(FILE, 'select 2 -- draft');
    save(FILE, 'select 3');
    commit('v3');
    save(FILE, 'select 4 -- working copy');
    expect(readLedger(dir)[FILE]).toHaveLength(5);

    const { ledger, removed } = pruneLedger(dir, 'main');
    expect(removed).toEqual([`${FILE}: ${key(FILE, 'select 2 -- draft')}`]);
    expect(ledger[FILE]).toEqual([
      // Main's ledger, positions unchanged, its never-committed draft included (it may have been applied).
      key(FILE, 'select 0'),
      key(FILE, 'select 1'),
      // Committed on the branch, then the current content.
      key(FILE, 'select 3'),
      key(FILE, 'select 4 -- working copy'),
    ]);
    expect(ledger[other]).toEqual([key(other, 'select 10')]);
  });

  test('rewrites the file only when something was removed, and a later synth adds nothing back', () => {
    save(FILE, 'select 1');
    commit('v1');
    git('checkout', '-q', '-b', 'feature');
    save(FILE, 'select 2 -- draft');
    save(FILE, 'select 3');
    commit('v3');
    expect(writePrunedLedger(dir, 'main').removed).toHaveLength(1);
    const pruned = fs.readFileSync(path.join(dir, LEDGER_FILE), 'utf8');
    expect(updateLedger(dir)).toEqual({ changed: false, added: 0 });
    expect(writePrunedLedger(dir, 'main').removed).toEqual([]);
    expect(fs.readFileSync(path.join(dir, LEDGER_FILE), 'utf8')).toBe(pruned);
  });

  test('keeps the versions of a deleted file that were committed', () => {
    save(FILE, 'select 1');
    commit('v1');
    git('checkout', '-q', '-b', 'feature');
    save(FILE, 'select 2');
    commit('v2');
    fs.rmSync(path.join(dir, FILE));
    updateLedger(dir);
    commit('deleted');
    expect(pruneLedger(dir, 'main')).toEqual({
      ledger: { [FILE]: [key(FILE, 'select 1'), key(FILE, 'select 2')] },
      removed: [],
    });
  });

  test('keeps a version that only a merge commit holds (a resolved conflict)', () => {
    save(FILE, 'select 1');
    commit('v1');
    git('checkout', '-q', '-b', 'feature');
    save(FILE, 'select 2');
    commit('v2');
    git('checkout', '-q', 'main');
    save(FILE, 'select 3');
    commit('v3');
    git('checkout', '-q', 'feature');
    try {
      git('merge', '-q', 'main');
    } catch {
      // Conflicts on the SQL file and the ledger: take main's ledger, write the merged SQL, let synth add its key.
    }
    git('checkout', '-q', 'main', '--', LEDGER_FILE);
    fs.writeFileSync(path.join(dir, FILE), 'select 23');
    updateLedger(dir);
    commit('merge main');
    fs.writeFileSync(path.join(dir, FILE), 'select 4 -- draft');
    updateLedger(dir);
    fs.writeFileSync(path.join(dir, FILE), 'select 5');
    updateLedger(dir);
    const { ledger, removed } = pruneLedger(dir, 'main');
    expect(ledger[FILE]).toContain(key(FILE, 'select 23'));
    expect(removed).toEqual([`${FILE}: ${key(FILE, 'select 4 -- draft')}`]);
  });

  test('fails naming the ref when the base does not exist', () => {
    save(FILE, 'select 1');
    commit('v1');
    expect(() => pruneLedger(dir, 'trunk')).toThrow(/'trunk' is not a branch, tag or commit.*LEDGER_BASE=/);
  });

  test('fails when the ledger does not start with the base ledger (main not merged in)', () => {
    save(FILE, 'select 1');
    commit('v1');
    git('checkout', '-q', '-b', 'feature');
    git('checkout', '-q', 'main');
    save(FILE, 'select 2');
    commit('v2 on main');
    git('checkout', '-q', 'feature');
    save(FILE, 'select 3');
    expect(() => pruneLedger(dir, 'main')).toThrow(
      /the versions of 'etl\/jobs\/demo\/query\.sql' do not start with those of the main ledger; merge main first/,
    );
  });
});
