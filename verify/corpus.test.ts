import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  environmentSyntaxProblems,
  unlistedEnvironmentProblems,
  environmentSources,
  parseEnvironment,
  PipelineError,
  loadPipelines,
} from '../config';
import { REPO_ROOT, TempRepo } from '../test-support/temp-repo';

/**
 * The bad-input corpus: verify/corpus/<NN-name>/edits.yaml changes real files of a copy of the repository (each edit
 * names a file, a text that occurs in it exactly once and its replacement, so a case follows the file it breaks and
 * fails loudly when the text it edits is gone), overlay/ holds whole files to lay over the copy (new files, files that
 * are not UTF-8) and expected.yaml the problem the build must
 * report: `file` (repository-relative), `field` (what the problem line names after the file: `field jobs[0].file`,
 * `cell 10`, `stages[1]`, …) and `message` (a regular expression the line matches). Each case is checked in process
 * by the validator `make synth` runs first (the same functions, so the message, file and field of every case are
 * proven there), and the first case of each failure path (see {@link failurePath}) end to end as well: `make synth`
 * fails, prints the problem and leaves dist/ untouched. The end-to-end step proves what the in-process one cannot:
 * that make runs the check (bundled, or from its sources when the bundle does not build), prints the check's message
 * unchanged as a `file: field: message` line, exits non-zero and never replaces dist/; that part depends on the path
 * the failure takes through `make synth`, not on the message, so one case per path proves it for all (running all
 * ~100 took half of the unit tier's wall time). What overlay files cannot carry goes in an optional setup.yaml:
 * `copies` (`from` → `to`: a real file copied under a new name before the edits apply, e.g. a new environment started
 * from dev.ts), `symlinks` (`path` → `target`, as written in the link), `directories` (paths) to create in the copy,
 * and `texts` (`path`, `text`): files the repository's own tools must not read.
 */

const CORPUS = path.join(__dirname, 'corpus');

interface Expected {
  readonly file: string;
  readonly field: string;
  readonly message: string;
}

/** setup.yaml: entries of the copy that a file overlay cannot express. */
interface Setup {
  readonly copies?: readonly { readonly from: string; readonly to: string }[];
  readonly symlinks?: readonly { readonly path: string; readonly target: string }[];
  readonly directories?: readonly string[];
  readonly texts?: readonly { readonly path: string; readonly text: string }[];
}

/** One entry of edits.yaml. */
interface Edit {
  readonly file: string;
  readonly find: string;
  readonly replace: string;
}

interface Case extends Expected {
  readonly name: string;
  /** Repository-relative paths of the overlaid files. */
  readonly files: readonly string[];
  readonly edits: readonly Edit[];
  readonly setup: Setup;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
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
    const setupFile = path.join(CORPUS, name, 'setup.yaml');
    const setup = fs.existsSync(setupFile) ? (parse(fs.readFileSync(setupFile, 'utf8')) as Setup) : {};
    const editsFile = path.join(CORPUS, name, 'edits.yaml');
    const edits = fs.existsSync(editsFile) ? (parse(fs.readFileSync(editsFile, 'utf8')) as Edit[]) : [];
    return { name, ...expected, setup, edits, files: filesUnder(path.join(CORPUS, name, 'overlay')) };
  });

/** A case's text of a repository file after its overlay, copies, edits and texts (undefined: the case removes it). */
function caseText(c: Case, file: string): string | undefined {
  const overlaid = path.join(CORPUS, c.name, 'overlay', file);
  const copy = c.setup.copies?.find((entry) => entry.to === file);
  const source = fs.existsSync(overlaid)
    ? overlaid
    : copy !== undefined
      ? path.join(REPO_ROOT, copy.from)
      : path.join(REPO_ROOT, file);
  let text = fs.existsSync(source) ? fs.readFileSync(source, 'utf8') : undefined;
  for (const edit of c.edits.filter((e) => e.file === file))
    text = text?.replace(edit.find, () => edit.replace);
  return c.setup.texts?.find((t) => t.path === file)?.text ?? text;
}

/** Repository paths a case changes or adds, whatever the means. */
function touched(c: Case): string[] {
  return [
    ...c.files,
    ...c.edits.map((e) => e.file),
    ...(c.setup.copies ?? []).map((e) => e.to),
    ...(c.setup.texts ?? []).map((e) => e.path),
    ...(c.setup.symlinks ?? []).map((e) => e.path),
    ...(c.setup.directories ?? []),
  ];
}

/**
 * The path a case's failure takes through `make synth`, from the case alone: an environment file is refused by its
 * syntax check (make falls back to the check from its sources when the bundle does not build), by the environment
 * module's validation, or as not listed in the index; a pipeline input by the pipeline loader, reported against the
 * kind of file named (pipeline YAML, or the job file's kind), after a change to which kinds of file, with which
 * entries a file overlay cannot hold (symlinks, directories, copies) and whether a file is not UTF-8.
 */
function failurePath(c: Case): string {
  const ext = (file: string) => path.posix.extname(file) || '(none)';
  const environment = touched(c).find((f) => f.startsWith('config/environments/'));
  if (environment !== undefined) {
    const text = caseText(c, environment) ?? '';
    if (environmentSyntaxProblems(environment, text).length > 0) return 'environment syntax';
    const listed = environmentSources.map((source) => source.file);
    return listed.includes(environment) ? 'environment module' : 'environment not listed';
  }
  const kinds = [...new Set(touched(c).map(ext))].sort().join(',');
  const setup = (['symlinks', 'directories', 'copies'] as const).filter((k) => (c.setup[k]?.length ?? 0) > 0);
  const notUtf8 = c.files.some((file) =>
    new TextDecoder('utf-8')
      .decode(fs.readFileSync(path.join(CORPUS, c.name, 'overlay', file)))
      .includes('\uFFFD'),
  );
  return [`pipeline ${ext(c.file)} after ${kinds}`, ...setup, ...(notUtf8 ? ['not UTF-8'] : [])].join(' + ');
}

/** The cases `make synth` runs end to end: the first (by name) of each failure path. */
const END_TO_END = new Map<string, Case>();
for (const c of CASES) if (!END_TO_END.has(failurePath(c))) END_TO_END.set(failurePath(c), c);

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
  /** Remembers the outermost folder or entry that creating `file` adds, to delete it whole. */
  const willAdd = (file: string) => {
    let top = file;
    while (!fs.existsSync(repo.path(path.posix.dirname(top)))) top = path.posix.dirname(top);
    added.push(top);
  };
  for (const file of c.files) {
    const real = path.join(REPO_ROOT, file);
    if (fs.existsSync(real)) changed.push(file);
    else willAdd(file);
    // Bytes, not text: a case may hold a file that is not UTF-8.
    fs.mkdirSync(path.dirname(repo.path(file)), { recursive: true });
    fs.copyFileSync(path.join(CORPUS, c.name, 'overlay', file), repo.path(file));
  }
  for (const { from, to } of c.setup.copies ?? []) {
    willAdd(to);
    fs.copyFileSync(repo.path(from), repo.path(to));
  }
  for (const edit of c.edits) {
    const text = fs.readFileSync(repo.path(edit.file), 'utf8');
    const count = text.split(edit.find).length - 1;
    if (count !== 1) {
      throw new Error(
        `${c.name}: edits.yaml: the text to find occurs ${count} times in ${edit.file} (once is required); ` +
          `update the edit to the file as it is now:\n${edit.find}`,
      );
    }
    if (!changed.includes(edit.file) && !added.includes(edit.file)) changed.push(edit.file);
    repo.write(
      edit.file,
      text.replace(edit.find, () => edit.replace),
    );
  }
  for (const { path: file, text } of c.setup.texts ?? []) {
    if (fs.existsSync(path.join(REPO_ROOT, file))) changed.push(file);
    else willAdd(file);
    repo.write(file, text);
  }
  for (const dir of c.setup.directories ?? []) {
    willAdd(dir);
    fs.mkdirSync(repo.path(dir), { recursive: true });
  }
  for (const link of c.setup.symlinks ?? []) {
    willAdd(link.path);
    fs.mkdirSync(path.dirname(repo.path(link.path)), { recursive: true });
    fs.symlinkSync(link.target, repo.path(link.path));
  }
  return () => {
    for (const file of changed) repo.restore(file);
    for (const file of added) fs.rmSync(repo.path(file), { recursive: true, force: true });
  };
}

/** What the config check reports for a case, run in process against the overlaid copy. */
async function validate(repo: TempRepo, c: Case): Promise<string> {
  const environment = [
    ...c.files,
    ...c.edits.map((e) => e.file),
    ...(c.setup.texts ?? []).map((t) => t.path),
    ...(c.setup.copies ?? []).map((t) => t.to),
  ].find((f) => f.startsWith('config/environments/'));
  if (environment !== undefined) {
    const text = fs.readFileSync(repo.path(environment), 'utf8');
    // Found before the file is imported (as make synth does), so a syntax error is not an import failure.
    const syntax = environmentSyntaxProblems(environment, text);
    if (syntax.length > 0) return syntax.join('\n');
    // The edited module, imported from the copy under a name of its own (an import of the same path would return
    // the module of an earlier case); it imports the copy's config/ as the real file does.
    const unique = path.posix.join(path.posix.dirname(environment), `.corpus-${c.name}.ts`);
    repo.write(unique, text);
    let input: unknown;
    try {
      input = ((await import(repo.path(unique))) as { default: unknown }).default;
    } finally {
      fs.rmSync(repo.path(unique), { force: true });
    }
    try {
      parseEnvironment({ file: environment, input });
    } catch (error) {
      return String((error as Error).message);
    }
    return unlistedEnvironmentProblems(
      repo.dir,
      environmentSources.map((source) => source.file),
    ).join('\n');
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
    expect(c.name, 'folder names are <NN>-<short-name>').toMatch(/^\d{2,3}-[a-z0-9-]+$/);
    const entries =
      c.files.length +
      c.edits.length +
      (c.setup.copies?.length ?? 0) +
      (c.setup.symlinks?.length ?? 0) +
      (c.setup.directories?.length ?? 0) +
      (c.setup.texts?.length ?? 0);
    expect(entries, c.name).toBeGreaterThan(0);
    expect(c.file, c.name).toMatch(/^(config|etl)\//);
    expect(c.field, c.name).not.toBe('');
    expect(c.message, c.name).not.toBe('');
    expect(() => new RegExp(c.message), c.name).not.toThrow();
  }
  // A whole copy of a real file goes stale when the file changes (and then tests something else); such a case is an
  // edit of the file instead (environment files included). Whole files are for what is new or not UTF-8.
  for (const c of CASES) {
    for (const file of c.files) {
      const real = path.join(REPO_ROOT, file);
      if (!/^(etl|config)\//.test(file) || !fs.existsSync(real)) continue;
      const bytes = fs.readFileSync(path.join(CORPUS, c.name, 'overlay', file));
      expect(
        new TextDecoder('utf-8', { fatal: false }).decode(bytes).includes('\uFFFD'),
        `${c.name}: overlay/${file} copies a real file; write the change as an edit in edits.yaml`,
      ).toBe(true);
    }
  }
  // The catalogue spans every kind of input.
  for (const kind of ['config/environments/', 'etl/pipelines/', '.ipynb', '.conf', '.sql']) {
    expect(
      CASES.some((c) =>
        [...c.files, ...c.edits.map((e) => e.file)].some((f) => f.startsWith(kind) || f.endsWith(kind)),
      ),
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
  });

  test('the failure paths (each with its end-to-end case) tell every kind of input apart', () => {
    const paths = [...END_TO_END.keys()];
    for (const kind of [
      'environment syntax',
      'environment module',
      'environment not listed',
      /^pipeline \.yaml after \.yaml$/,
      /^pipeline \.sql after \.sql$/,
      /^pipeline \.conf /,
      /^pipeline \.ipynb after \.ipynb$/,
      /^pipeline \.yaml after [^ ]*\.py\b/,
      / \+ symlinks/,
      / \+ directories/,
      / \+ not UTF-8/,
    ]) {
      expect(paths, String(kind)).toContainEqual(
        typeof kind === 'string' ? kind : expect.stringMatching(kind),
      );
    }
  });

  describe.each([...END_TO_END].map(([route, c]) => ({ ...c, route })))('$name ($route)', (c) => {
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
