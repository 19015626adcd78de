import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root (this file lives in test-support/). */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** The sources a copy of the repository needs to synthesize and verify (node_modules is linked, not copied). */
export const SOURCE_ENTRIES = [
  'config',
  'infra',
  'k8s',
  'imports',
  'etl',
  'verify',
  'tools',
  'test-support',
  'Makefile',
  'esbuild.config.mjs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
];

/** What a test copy of the repository holds: the sources, dist/, and the build's caches. */
const COPIED = [
  ...SOURCE_ENTRIES,
  'dist',
  // The prebundled apps (make rebuilds one when the copy's sources are newer), so a copy does not bundle them again,
  // and the caches keyed by content digest (a copy's changed inputs miss them and are computed afresh).
  '.build/bundle',
  '.build/sql-compile',
  '.build/hocon',
  '.build/embedded-yaml.json',
];

/** A throw-away copy of the repository in which tests may break inputs and run the real build. */
export class TempRepo {
  /** Creates the copy under the OS temp folder. */
  static create(): TempRepo {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-etl-on-eks-'));
    // Modification times are kept, so make's view of what is up to date (the bundles below) stays the original's.
    for (const entry of COPIED) {
      const from = path.join(REPO_ROOT, entry);
      if (fs.existsSync(from)) {
        fs.cpSync(from, path.join(dir, entry), { recursive: true, preserveTimestamps: true });
      }
    }
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    return new TempRepo(dir);
  }

  private constructor(public readonly dir: string) {}

  /** Absolute path of a repository-relative path inside the copy. */
  path(relative: string): string {
    return path.join(this.dir, relative);
  }

  /** Overwrites a file of the copy. */
  write(relative: string, content: string): void {
    fs.mkdirSync(path.dirname(this.path(relative)), { recursive: true });
    fs.writeFileSync(this.path(relative), content);
  }

  /** Restores a file (or folder) of the copy from the real repository. */
  restore(relative: string): void {
    fs.rmSync(this.path(relative), { recursive: true, force: true });
    fs.cpSync(path.join(REPO_ROOT, relative), this.path(relative), { recursive: true });
  }

  /** Runs `make <target>` in the copy; returns exit status and combined output. */
  make(target: string): { status: number; output: string } {
    const result = spawnSync('make', ['--no-print-directory', target], {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, ENVIRONMENTS: '' },
    });
    return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
  }

  /** A digest of every file under a folder of the copy (paths and bytes), to prove it did not change. */
  digest(relative: string): string {
    return digestTree(this.path(relative));
  }

  /** Deletes the copy. */
  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** SHA-256 over the sorted relative paths and contents of every file below `dir` ('' for a missing folder). */
export function digestTree(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  const hash = createHash('sha256');
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
  for (const file of files) {
    hash
      .update(file)
      .update('\0')
      .update(fs.readFileSync(path.join(dir, file)))
      .update('\0');
  }
  return hash.digest('hex');
}
