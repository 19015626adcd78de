import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../test-support/temp-repo';

/**
 * The room boundaries of eslint.config.mjs, proven by linting imports that cross them: each forbidden import, placed
 * in a real file of a room at each folder depth, is an error of `no-restricted-imports`; the allowed ones are not.
 */
interface RoomTable {
  readonly ROOMS: readonly string[];
  readonly DOORS: readonly string[];
  readonly NEVER: Readonly<Record<string, readonly string[]>>;
}

let eslint: ESLint;
let table: RoomTable;

beforeAll(async () => {
  table = (await import(path.join(REPO_ROOT, 'eslint.config.mjs'))) as RoomTable;
  eslint = new ESLint({
    cwd: REPO_ROOT,
    // Only the rule under test, and no type information (what it matches is the import's text).
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  });
});

/** A real source file of `room` at `depth` folders below the root (the rules are chosen by path). */
function fileAt(room: string, depth: number, kind: 'source' | 'test'): string | undefined {
  const dir = path.join(REPO_ROOT, room);
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts'))
    .map((d) => path.relative(REPO_ROOT, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .filter((f) => f.split('/').length === depth + 1 && f.endsWith('.test.ts') === (kind === 'test'))
    .filter((f) => !/(^|\/)testing(-app)?\.ts$/.test(f))
    .sort();
  return files[0];
}

/** The `no-restricted-imports` messages for one import line placed at the top of `file`. */
async function restrictions(file: string, specifier: string): Promise<string[]> {
  const text = `import * as probe from '${specifier}';\nexport const used = probe;\n`;
  const [result] = await eslint.lintText(text, { filePath: path.join(REPO_ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

/** Every room at depth 1 and 2 where it has a source file to stand in for (tools/ and test-support/ are flat). */
const cases: [room: string, depth: number, file: string][] = [
  'config',
  'infra',
  'k8s',
  'verify',
  'engines',
  'etl',
  'tools',
  'test-support',
]
  .flatMap((room) => [1, 2].map((depth) => [room, depth, fileAt(room, depth, 'source')] as const))
  .filter((c): c is [string, number, string] => c[2] !== undefined);

describe('room boundaries (eslint.config.mjs)', () => {
  test('the table names every top-level folder with TypeScript, and every door has an index.ts', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
    const withTs = fs
      .readdirSync(REPO_ROOT, { withFileTypes: true })
      .filter(
        (d) =>
          d.isDirectory() && !['node_modules', 'imports', 'dist'].includes(d.name) && !d.name.startsWith('.'),
      )
      .filter((d) =>
        fs
          .readdirSync(path.join(REPO_ROOT, d.name), { recursive: true })
          .some((f) => String(f).endsWith('.ts')),
      )
      .map((d) => d.name)
      .sort();
    expect([...table.ROOMS].sort()).toEqual(withTs);
    for (const door of table.DOORS)
      expect(fs.existsSync(path.join(REPO_ROOT, door, 'index.ts')), door).toBe(true);
  });

  test.each(cases)(
    '%s/ at depth %i: every forbidden room fails, deep imports fail, doors pass',
    async (room, depth) => {
      const file = fileAt(room, depth, 'source');
      if (file === undefined) return; // the room has no file that deep
      const up = '../'.repeat(depth);
      for (const other of table.NEVER[room]) {
        const messages = await restrictions(file, `${up}${other}`);
        expect(messages, `${file} importing ${other}/`).toEqual([expect.stringContaining(`must not import`)]);
      }
      for (const door of table.DOORS.filter((d) => d !== room && !table.NEVER[room].includes(d))) {
        expect(await restrictions(file, `${up}${door}`), `${file} importing ${door}`).toEqual([]);
        expect(
          await restrictions(file, `${up}${door}/some-file`),
          `${file} importing ${door}/some-file`,
        ).toEqual([expect.stringContaining('through its index')]);
      }
    },
  );

  test('k8s/ and infra/ never import each other; verify/ imports neither, in tests either', async () => {
    for (const [room, forbidden] of [
      ['k8s', 'infra'],
      ['infra', 'k8s'],
      ['verify', 'infra'],
      ['verify', 'k8s'],
    ] as const) {
      for (const kind of ['source', 'test'] as const) {
        const file = fileAt(room, 2, kind);
        expect(file, `${room} ${kind}`).toBeDefined();
        expect(
          await restrictions(file!, `../../${forbidden}`),
          `${file} importing ${forbidden}/`,
        ).toHaveLength(1);
      }
    }
  });

  test('a folder of the same name inside the room is not the room (verify/rules/x.ts importing ../k8s)', async () => {
    const file = fileAt('verify', 2, 'source')!;
    expect(await restrictions(file, '../k8s')).toEqual([]);
    expect(await restrictions(file, '../../k8s')).toHaveLength(1);
  });

  test('test-support/ serves tests and tools, not the code they test', async () => {
    expect(await restrictions(fileAt('k8s', 2, 'source')!, '../../test-support/temp-repo')).toHaveLength(1);
    expect(await restrictions(fileAt('k8s', 2, 'test')!, '../../test-support/temp-repo')).toEqual([]);
    expect(await restrictions(fileAt('tools', 1, 'source')!, '../test-support/temp-repo')).toEqual([]);
  });

  test('cdktf stays inside infra/', async () => {
    expect(await restrictions(fileAt('k8s', 2, 'source')!, 'cdktf')).toHaveLength(1);
    expect(await restrictions(fileAt('infra', 2, 'source')!, 'cdktf')).toEqual([]);
  });
});
