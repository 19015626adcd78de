import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { parseEnvironment } from '../config/load';
import { PipelineError, loadPipelines } from '../config/pipelines/load';
import { REPO_ROOT, TempRepo } from './testing/temp-repo';

/**
 * The bad-input corpus: verify/corpus/<NN-name>/overlay/ holds files to lay over a copy of the repository (an
 * environment file, a pipeline, a notebook, an Arc job file, a SQL file) and expected.yaml the problem the build must
 * report: `file` (repository-relative), `field` (what the problem line names after the file: `field jobs[0].file`,
 * `cell 10`, `stages[1]`, …) and `message` (a regular expression the line matches). Each case is checked in process
 * (the validator `make synth` runs first) and end to end (`make synth` fails, prints the problem and leaves dist/
 * untouched).
 */

const CORPUS = path.join(__dirname, 'corpus');

interface Expected {
  readonly file: string;
  readonly field: string;
  readonly message: string;
}

interface Case extends Expected {
  readonly name: string;
  /** Repository-relative paths of the overlaid files. */
  readonly files: readonly string[];
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}

const CASES: Case[] = fs
  .readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()
  .map((name) => {
    const expected = parse(fs.readFileSync(path.join(CORPUS, name, 'expected.yaml'), 'utf8')) as Expected;
    return { name, ...expected, files: filesUnder(path.join(CORPUS, name, 'overlay')) };
  });

/** Output lines that name the expected file and field. */
function problemLines(output: string, { file, field }: Expected): string[] {
  return output.split('\n').filter((line) => line.startsWith(`${file}: ${field}: `));
}

function expectProblem(output: string, expected: Expected): void {
  const lines = problemLines(output, expected);
  expect(lines, `no line starts with '${expected.file}: ${expected.field}: ' in:\n${output}`).not.toEqual([]);
  expect(lines).toContainEqual(expect.stringMatching(new RegExp(expected.message)));
}

/** Lays a case's files over the copy; returns how to undo it (restore changed files, delete added ones). */
function overlay(repo: TempRepo, c: Case): () => void {
  const added: string[] = [];
  const changed: string[] = [];
  for (const file of c.files) {
    const real = path.join(REPO_ROOT, file);
    if (fs.existsSync(real)) changed.push(file);
    else {
      // Remember the outermost folder the overlay creates, to delete it whole.
      let top = file;
      while (!fs.existsSync(repo.path(path.posix.dirname(top)))) top = path.posix.dirname(top);
      added.push(top);
    }
    repo.write(file, fs.readFileSync(path.join(CORPUS, c.name, 'overlay', file), 'utf8'));
  }
  return () => {
    for (const file of changed) repo.restore(file);
    for (const file of added) fs.rmSync(repo.path(file), { recursive: true, force: true });
  };
}

/** What the config check reports for a case, run in process against the overlaid copy. */
async function validate(repo: TempRepo, c: Case): Promise<string> {
  const environment = c.files.find((f) => f.startsWith('config/environments/'));
  if (environment !== undefined) {
    // Environment overlays are plain object modules, so they load from the corpus folder itself.
    const module = (await import(path.join(CORPUS, c.name, 'overlay', environment))) as { default: unknown };
    try {
      parseEnvironment({ file: environment, input: module.default });
    } catch (error) {
      return String((error as Error).message);
    }
    return '';
  }
  try {
    loadPipelines(repo.dir);
  } catch (error) {
    if (error instanceof PipelineError) return error.message;
    throw error;
  }
  return '';
}

test('the corpus has at least 40 cases, each with files to overlay and a complete expectation', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(40);
  for (const c of CASES) {
    expect(c.name, 'folder names are <NN>-<short-name> (NNN from 100 on)').toMatch(/^\d{2,3}-[a-z0-9-]+$/);
    expect(c.files.length, c.name).toBeGreaterThan(0);
    expect(c.file, c.name).toMatch(/^(config|etl)\//);
    expect(c.field, c.name).not.toBe('');
    expect(c.message, c.name).not.toBe('');
    expect(() => new RegExp(c.message), c.name).not.toThrow();
  }
  // The catalogue spans every kind of input.
  for (const kind of ['config/environments/', 'etl/pipelines/', '.ipynb', '.conf', '.sql']) {
    expect(
      CASES.some((c) => c.files.some((f) => f.startsWith(kind) || f.endsWith(kind))),
      kind,
    ).toBe(true);
  }
});

describe('bad inputs', () => {
  let repo: TempRepo;
  let before: string;
  beforeAll(() => {
    repo = TempRepo.create();
    before = repo.digest('dist');
  });
  afterAll(() => repo.dispose());

  describe.each(CASES)('$name', (c) => {
    test('the validator names the file, the field and the fix', async () => {
      const undo = overlay(repo, c);
      try {
        expectProblem(await validate(repo, c), c);
      } finally {
        undo();
      }
    });

    test('make synth fails with that problem and leaves dist/ untouched', () => {
      expect(before).not.toBe('');
      const undo = overlay(repo, c);
      try {
        const { status, output } = repo.make('synth');
        expect(status).not.toBe(0);
        expectProblem(output, c);
        expect(repo.digest('dist')).toBe(before);
      } finally {
        undo();
        if (fs.existsSync(path.join(REPO_ROOT, 'etl/assets.lock.json'))) repo.restore('etl/assets.lock.json');
      }
    });
  });
});
