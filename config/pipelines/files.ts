/**
 * Where pipeline files and job files are, and reading them: the `*.yaml` entries of etl/pipelines/ that are (or are
 * not) readable pipeline files, and a file's text or why it cannot be read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Folder of the pipeline definitions, relative to the repository root. */
const PIPELINES_DIR = 'etl/pipelines';

/** Folder job files are relative to. */
export const JOBS_DIR = 'etl/jobs';

/** What {@link scanPipelineFiles} found: the readable pipeline files and why the others cannot be read. */
export interface PipelineScan {
  /** Repository-relative, sorted; a symbolic link to a file inside the repository is listed under its own name. */
  readonly files: readonly string[];
  /** One line per entry named like a pipeline file that is not one: `<file>: file: <reason and fix>`. */
  readonly problems: readonly string[];
}

/** Why a `*.yaml` entry of etl/pipelines/ is not a readable pipeline file inside the repository, or undefined. */
function entryProblem(repoRoot: string, file: string, entry: fs.Dirent): string | undefined {
  const absolute = path.join(repoRoot, file);
  if (entry.isDirectory()) {
    return (
      'is a folder, not a file; pipeline files are YAML files directly in etl/pipelines/ (sub-folders are not ' +
      'read): rename the folder so its name does not end in .yaml, or replace it with the pipeline file'
    );
  }
  if (entry.isSymbolicLink()) {
    const target = fs.readlinkSync(absolute);
    let real: string;
    try {
      real = fs.realpathSync(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ELOOP'
        ? `is a symbolic link to '${target}' that loops back on itself; replace the link with the pipeline file`
        : `is a symbolic link to '${target}', which does not exist (a broken link); point it at an existing ` +
            'pipeline file inside the repository, or replace it with the file';
    }
    const root = fs.realpathSync(repoRoot);
    if (real !== root && !real.startsWith(`${root}${path.sep}`)) {
      return (
        `is a symbolic link to '${target}', outside the repository; the pipeline would change with a file nobody ` +
        'reviews: copy the file into etl/pipelines/ instead'
      );
    }
    if (!fs.statSync(real).isFile()) {
      return `is a symbolic link to '${target}', which is not a file; point it at a pipeline file or replace it`;
    }
    return undefined;
  }
  if (!entry.isFile())
    return 'is not a regular file (a device, socket or pipe); replace it with the pipeline file';
  return undefined;
}

/**
 * The pipeline files under etl/pipelines/ (`.yaml` and `.yml`, hidden files skipped). Symbolic links are followed
 * when they lead to a file inside the repository; every other entry named like a pipeline file (a folder, a broken or
 * looping link, a link out of the repository) is a problem: skipping it would delete its workflows from dist/.
 */
export function scanPipelineFiles(repoRoot: string): PipelineScan {
  const dir = path.join(repoRoot, PIPELINES_DIR);
  if (!fs.existsSync(dir)) return { files: [], problems: [] };
  const files: string[] = [];
  const problems: string[] = [];
  const entries = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => /\.ya?ml$/.test(entry.name) && !entry.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const file = `${PIPELINES_DIR}/${entry.name}`;
    const problem = entryProblem(repoRoot, file, entry);
    if (problem === undefined) files.push(file);
    else problems.push(`${file}: file: ${problem}`);
  }
  return { files, problems };
}

/** The readable pipeline files under etl/pipelines/, repository-relative and sorted (see {@link scanPipelineFiles}). */
export function pipelineFiles(repoRoot: string): string[] {
  return [...scanPipelineFiles(repoRoot).files];
}

/** The text of a file, or the problem line when it cannot be read (permissions, not UTF-8). */
export function readText(
  repoRoot: string,
  file: string,
): { text: string; problem?: undefined } | { text?: undefined; problem: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(repoRoot, file));
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return {
      problem:
        `cannot be read (${code ?? message}); ` +
        (code === 'EACCES' ? 'make it readable (chmod a+r)' : 'replace it with a readable file'),
    };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // The lenient decoder marks the first bad byte with U+FFFD; its line is where to look.
    const lenient = bytes.toString('utf8');
    const line = lenient.slice(0, Math.max(0, lenient.indexOf('\uFFFD'))).split('\n').length;
    return {
      problem: `is not UTF-8 text (first bad byte on line ${line}); save it as UTF-8 (e.g. iconv -f latin1 -t utf-8)`,
    };
  }
}
