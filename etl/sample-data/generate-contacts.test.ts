import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CONTACT_COLUMNS, Prng, SAMPLE_SIZES, TRACKED_COLUMNS, parseCsv, toCsv } from './contacts';
import { SAMPLE_DATA_DIR, sampleFiles } from './generate-contacts';

const REPO_ROOT = path.resolve(__dirname, '../..');
const committed = (name: string): string =>
  fs.readFileSync(path.join(REPO_ROOT, SAMPLE_DATA_DIR, name), 'utf8');

const initial = parseCsv(committed('contacts_initial.csv'));
const delta = parseCsv(committed('contacts_delta.csv'));

type Row = Record<string, string>;

/** Row of the SCD2 table, as the samples' MERGE writes it. */
interface Version {
  readonly row: Row;
  readonly validFrom: string;
  validTo: string | null;
  isCurrent: boolean;
}

/**
 * The samples' SCD2 rules in TypeScript: a new id is inserted as current; a known id whose tracked attributes differ
 * and whose `updated_at` is later than the current version's expires that version and becomes current.
 */
function mergeScd2(table: Version[], batch: readonly Row[]): void {
  for (const row of batch) {
    const current = table.find((v) => v.row.id === row.id && v.isCurrent);
    if (current === undefined) {
      table.push({ row, validFrom: row.updated_at, validTo: null, isCurrent: true });
      continue;
    }
    const changed = TRACKED_COLUMNS.some((column) => current.row[column] !== row[column]);
    if (changed && row.updated_at > current.validFrom) {
      current.validTo = row.updated_at;
      current.isCurrent = false;
      table.push({ row, validFrom: row.updated_at, validTo: null, isCurrent: true });
    }
  }
}

describe('sample contacts', () => {
  test('the committed extracts have 1,000 and 192 rows with the documented columns', () => {
    expect(initial).toHaveLength(1000);
    expect(delta).toHaveLength(192);
    expect(committed('contacts_initial.csv').split('\n')[0]).toBe(CONTACT_COLUMNS.join(','));
    for (const row of [...initial, ...delta]) {
      for (const column of CONTACT_COLUMNS) expect(row[column], `${column} of id ${row.id}`).toMatch(/\S/);
      expect(row.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(row.id).toMatch(/^[1-9]\d*$/);
    }
  });

  test('ids are unique in each extract', () => {
    expect(new Set(initial.map((r) => r.id)).size).toBe(initial.length);
    expect(new Set(delta.map((r) => r.id)).size).toBe(delta.length);
  });

  test('the delta changes 92 existing contacts (a tracked attribute differs, later timestamp) and adds 100', () => {
    const byId = new Map(initial.map((r) => [r.id, r]));
    const changed = delta.filter((r) => byId.has(r.id));
    const added = delta.filter((r) => !byId.has(r.id));
    expect(changed).toHaveLength(SAMPLE_SIZES.changed);
    expect(added).toHaveLength(SAMPLE_SIZES.added);
    for (const row of changed) {
      const before = byId.get(row.id)!;
      expect(
        TRACKED_COLUMNS.some((column) => before[column] !== row[column]),
        `id ${row.id} differs`,
      ).toBe(true);
      expect(row.updated_at > before.updated_at, `id ${row.id} is newer`).toBe(true);
    }
  });

  test('SCD2 arithmetic: 1,192 rows, 92 expired, 1,100 current, one current row per id', () => {
    const table: Version[] = [];
    mergeScd2(table, initial);
    mergeScd2(table, delta);
    expect(table).toHaveLength(1192);
    expect(table.filter((v) => !v.isCurrent)).toHaveLength(92);
    expect(table.filter((v) => v.isCurrent)).toHaveLength(1100);
    const currentIds = table.filter((v) => v.isCurrent).map((v) => v.row.id);
    expect(new Set(currentIds).size).toBe(currentIds.length);
    for (const v of table.filter((x) => !x.isCurrent)) expect(v.validTo! > v.validFrom).toBe(true);

    // Merging the same extracts again changes nothing: the daily sample run is idempotent.
    mergeScd2(table, initial);
    mergeScd2(table, delta);
    expect(table).toHaveLength(1192);
  });

  test('the generator is deterministic and matches the committed files byte for byte', () => {
    const first = sampleFiles();
    expect(sampleFiles()).toEqual(first);
    for (const [name, content] of Object.entries(first)) expect(content, name).toBe(committed(name));

    // The script itself, run twice into fresh folders.
    const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
    const outputs = [0, 1].map(() => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contacts-'));
      const run = spawnSync(tsx, ['etl/sample-data/generate-contacts.ts', dir], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      const files = Object.fromEntries(
        Object.keys(first).map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')]),
      );
      fs.rmSync(dir, { recursive: true, force: true });
      return files;
    });
    expect(outputs[0]).toEqual(first);
    expect(outputs[1]).toEqual(first);
  });

  test('CSV fields with commas or quotes are quoted and read back', () => {
    const row = {
      id: 1,
      first_name: 'Ann "Annie"',
      last_name: "O'Neill, Jr",
      email: 'a@example.com',
      phone: '+1 555 0100',
      city: 'Paris',
      country: 'France',
      updated_at: '2024-01-01T00:00:00Z',
    };
    const csv = toCsv([row]);
    expect(csv).toContain('"Ann ""Annie""","O\'Neill, Jr"');
    expect(parseCsv(csv)[0]).toEqual({ ...row, id: '1' });
  });

  test('the PRNG is reproducible and stays in range', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const draws = Array.from({ length: 1000 }, () => a.next());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(990);
    expect(new Prng(0).next()).toBeGreaterThan(0);
  });
});
