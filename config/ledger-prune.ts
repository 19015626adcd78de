import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  LEDGER_FILE,
  assetKey,
  ledgerText,
  listAssets,
  parseLedger,
  readLedger,
  type Ledger,
} from './assets';

/**
 * `make ledger-prune`: drops from {@link LEDGER_FILE} the versions that never existed anywhere but a working copy.
 *
 * `make synth` appends the key of every content an asset file has when it runs, so iterating on a SQL file leaves a
 * key per saved draft. A key's position is its Terraform address, and a key the base branch's ledger holds may have
 * been applied, so pruning is safe only under three rules:
 * 1. every key of the base branch's ledger (`git show <base>:etl/assets.lock.json`) stays, in its place: deployments
 *    are applied from the base branch, and their addresses must not move;
 * 2. after those, a key stays when its content was committed at some point (any commit of any branch or tag has the
 *    file with those bytes) or is the file's current content;
 * 3. everything else (drafts that were never committed) is removed; the keys after it move up, which is safe because
 *    no ledger on the base branch ever gave them an address.
 * Run it on a branch before merging; the base defaults to `main`.
 */

/** What {@link pruneLedger} did. */
export interface LedgerPrune {
  readonly ledger: Ledger;
  /** `<file>: <key>` of every removed version. */
  readonly removed: readonly string[];
}

function git(repoRoot: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Every key `file` has had in a commit of any ref: the content of each commit's version of the file. */
function committedKeys(repoRoot: string, file: string): Set<string> {
  const keys = new Set<string>();
  const blobs = git(repoRoot, [
    'log',
    '--all',
    '-m',
    '--format=',
    '--raw',
    '--no-abbrev',
    '--no-renames',
    '--',
    file,
  ])
    .split('\n')
    .map((line) => /^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) [AM]\t/.exec(line)?.[1])
    .filter((blob): blob is string => blob !== undefined);
  for (const blob of new Set(blobs)) {
    const content = execFileSync('git', ['cat-file', 'blob', blob], { cwd: repoRoot });
    keys.add(assetKey(file, content));
  }
  return keys;
}

/** The ledger of `base` (empty when that commit has none); fails naming the ref when it does not exist. */
function baseLedger(repoRoot: string, base: string): Ledger {
  try {
    git(repoRoot, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  } catch {
    throw new Error(
      `ledger-prune: '${base}' is not a branch, tag or commit of this repository; pass the branch deployments are ` +
        'applied from, e.g. make ledger-prune LEDGER_BASE=origin/main',
    );
  }
  let text: string;
  try {
    text = git(repoRoot, ['show', `${base}:${LEDGER_FILE}`]);
  } catch {
    return {};
  }
  return parseLedger(text, `${LEDGER_FILE} of ${base}`);
}

/** The pruned ledger of the working copy (nothing is written; see {@link writePrunedLedger}). */
export function pruneLedger(repoRoot: string, base: string): LedgerPrune {
  const current = readLedger(repoRoot);
  const kept = baseLedger(repoRoot, base);
  const now = new Map(listAssets(repoRoot).map((asset) => [asset.file, asset.key]));
  const removed: string[] = [];
  const ledger: Record<string, string[]> = {};
  for (const [file, keys] of Object.entries(current)) {
    const fixed = kept[file] ?? [];
    if (fixed.some((key, i) => keys[i] !== key)) {
      throw new Error(
        `${LEDGER_FILE}: the versions of '${file}' do not start with those of the ${base} ledger; merge ${base} ` +
          `first (keep its keys in their order, then this branch's), run 'make synth', then prune`,
      );
    }
    const committed = keys.length > fixed.length ? committedKeys(repoRoot, file) : new Set<string>();
    const rest = keys.slice(fixed.length).filter((key) => {
      const keep = committed.has(key) || now.get(file) === key;
      if (!keep) removed.push(`${file}: ${key}`);
      return keep;
    });
    ledger[file] = [...fixed, ...rest];
  }
  return { ledger, removed };
}

/** Prunes {@link LEDGER_FILE} in place; returns what was removed. */
export function writePrunedLedger(repoRoot: string, base: string): LedgerPrune {
  const result = pruneLedger(repoRoot, base);
  if (result.removed.length > 0)
    fs.writeFileSync(path.join(repoRoot, LEDGER_FILE), ledgerText(result.ledger));
  return result;
}
