/**
 * The check step of the pipeline loader, job by job: its files exist under etl/jobs/ and lint clean (Arc stages, SQL
 * placeholders and statements), its parameters and `asset:` values are usable, and its lineage (what it reads and
 * writes) and data tests are known. The pipeline-wide checks are in check.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ASSET_ROOTS } from '../assets';
import type { EnvironmentConfig } from '../environment';
import type { Team } from '../teams';
import { arcChain } from './arc-chain';
import { parseArcJob } from './arc-lint';
import { buildDataTests } from './data-tests';
import { JOBS_DIR, readText } from './files';
import { TESTS_STEP_SUFFIX } from './limits';
import { VALIDATION_ENVIRONMENT, assembleLineage, jobValues, parseDeclaredDataset } from './lineage';
import type { DataTest, DatasetAddress, JobLineage } from './model';
import type { Problems } from './problems';
import { show, suggest, type PathKey } from './problems';
import { ASSET_PREFIX, arcEnvironments, resolveParameters } from './resolve';
import { RUNTIME_PARAMETER_NAMES, isRuntimeParameter, unsuppliedParameter } from './runtime-parameters';
import type { JobDocument, PipelineDocument } from './schema';
import { compileSql, type StatementLineage } from './sql-compile';

/** A `${NAME}` placeholder in a SQL file. */
const SQL_PLACEHOLDER = /\$\{([^}]*)\}/g;
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Job files: present under etl/jobs/. Returns the files' texts (for the SQL parameter scan). */
function checkJobFiles(
  problems: Problems,
  repoRoot: string,
  jobIndex: number,
  job: JobDocument,
): Map<number, string> {
  const texts = new Map<number, string>();
  const files = job.files ?? [job.file!];
  files.forEach((file, k) => {
    const relative = `${JOBS_DIR}/${file}`;
    const absolute = path.join(repoRoot, relative);
    const keys: PathKey[] =
      job.files === undefined ? ['jobs', jobIndex, 'file'] : ['jobs', jobIndex, 'files', k];
    const entry = fs.lstatSync(absolute, { throwIfNoEntry: false });
    if (entry?.isDirectory() === true) {
      problems.add(keys, `${show(file)} is a folder (${relative}), not a file; name the job file inside it`);
      return;
    }
    if (entry?.isSymbolicLink() === true) {
      // The asset upload takes regular files only (config/assets.ts): a linked job file would never reach S3.
      problems.add(
        keys,
        `${show(file)} is a symbolic link (${relative} → ${fs.readlinkSync(absolute)}); job files are uploaded ` +
          'as regular files only, so replace the link with a copy of the file',
      );
      return;
    }
    if (entry === undefined || !entry.isFile()) {
      const dir = path.dirname(absolute);
      const siblings = fs.existsSync(dir)
        ? fs
            .readdirSync(dir)
            .filter((f) => path.extname(f) === path.extname(file))
            .sort()
        : [];
      const hint =
        siblings.length > 0
          ? `; that folder has ${siblings.slice(0, 5).join(', ')}${siblings.length > 5 ? ', …' : ''}`
          : '';
      problems.add(
        keys,
        `${show(file)} does not exist: looked for ${relative}${hint}; create the file or fix the path (relative to ${JOBS_DIR}/)`,
      );
      return;
    }
    const read = readText(repoRoot, relative);
    if (read.problem !== undefined) problems.add(keys, `${show(file)} (${relative}) ${read.problem}`);
    else texts.set(k, read.text);
  });
  return texts;
}

/** Parameters: no runtime names, and `asset:` values point at an uploaded file. */
export function checkParameters(
  problems: Problems,
  repoRoot: string,
  keys: readonly PathKey[],
  parameters: Readonly<Record<string, string>>,
): void {
  for (const [name, value] of Object.entries(parameters)) {
    if (isRuntimeParameter(name)) {
      problems.add(
        [...keys, name],
        `key ${show(name)} is supplied by the runtime for every job; use it without declaring it, or pick another name`,
        true,
      );
    }
    if (!value.startsWith(ASSET_PREFIX)) continue;
    const problem = assetProblem(repoRoot, value.slice(ASSET_PREFIX.length));
    if (problem !== undefined) problems.add([...keys, name], `${show(value)} ${problem}`);
  }
}

function assetProblem(repoRoot: string, relative: string): string | undefined {
  const file = `etl/${relative}`;
  const example = 'asset:jobs/customer-scd2/data/contacts.csv';
  if (
    relative.includes('\\') ||
    relative.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    return `is not a path under etl/ with '/' separators; write it like ${example}`;
  }
  if (!ASSET_ROOTS.some((root) => file.startsWith(`${root}/`))) {
    return `points at ${file}, which is not uploaded (only ${ASSET_ROOTS.join(' and ')} are); move the file there and write it like ${example}`;
  }
  const absolute = path.join(repoRoot, file);
  if (!fs.existsSync(absolute) || !fs.statSync(absolute).isFile()) {
    return `points at ${file}, which does not exist; create it or fix the path (relative to etl/, e.g. ${example})`;
  }
  return undefined;
}

/** `${NAME}` placeholders of a SQL file that nothing supplies. */
function checkSqlPlaceholders(
  problems: Problems,
  keys: readonly PathKey[],
  file: string,
  text: string,
  parameters: Readonly<Record<string, string>>,
): number {
  const reported = new Set<string>();
  for (const match of text.matchAll(SQL_PLACEHOLDER)) {
    const name = match[1];
    // Names with dots or colons (${spark.sql.x}, ${hivevar:x}) are Spark's own substitutions.
    if (!PARAMETER_NAME.test(name) || reported.has(name)) continue;
    if (name in parameters || RUNTIME_PARAMETER_NAMES.includes(name)) continue;
    reported.add(name);
    const line = text.slice(0, match.index).split('\n').length;
    const guess = suggest(name, [...Object.keys(parameters), ...RUNTIME_PARAMETER_NAMES]);
    problems.add(
      [...keys],
      `${show(file)} ${unsuppliedParameter(name, guess, ` (line ${line} of ${JOBS_DIR}/${file})`)}, or remove ` +
        `it (runtime parameters: ${RUNTIME_PARAMETER_NAMES.join(', ')})`,
    );
  }
  return reported.size;
}

/**
 * The job's `inputs:`/`outputs:` with `${NAME}` substituted: undefined when it declares neither, null when one is
 * invalid (reported).
 */
function declaredDatasets(
  problems: Problems,
  index: number,
  job: JobDocument,
  values: () => Readonly<Record<string, string>>,
): { inputs: DatasetAddress[]; outputs: DatasetAddress[] } | null | undefined {
  if (job.inputs === undefined && job.outputs === undefined) return undefined;
  const known = values();
  let valid = true;
  const parse = (field: 'inputs' | 'outputs'): DatasetAddress[] =>
    (job[field] ?? []).flatMap((raw, k) => {
      const keys: PathKey[] = ['jobs', index, field, k];
      const missing = [...raw.matchAll(SQL_PLACEHOLDER)].map((m) => m[1]).filter((name) => !(name in known));
      if (missing.length > 0) {
        valid = false;
        const guess = suggest(missing[0], Object.keys(known));
        problems.add(keys, `${show(raw)} ${unsuppliedParameter(missing[0], guess)}`);
        return [];
      }
      const text = raw.replace(SQL_PLACEHOLDER, (_, name: string) => known[name]);
      const parsed = parseDeclaredDataset(text);
      if (typeof parsed === 'string') {
        valid = false;
        problems.add(keys, `${show(raw)} ${parsed}`);
        return [];
      }
      return [parsed];
    });
  const declared = { inputs: parse('inputs'), outputs: parse('outputs') };
  return valid ? declared : null;
}

/**
 * The data tests of every job (config/pipelines/data-tests.ts), once the lineage of all jobs is known: a test reads
 * what its job writes, in the format a job of the pipeline shows. Also checks that a test step's name is not a job's
 * (its length is a cluster limit: check.ts).
 */
export function checkDataTests(
  problems: Problems,
  pipeline: PipelineDocument,
  lineages: ReadonlyMap<number, JobLineage>,
  values: ReadonlyMap<number, () => Record<string, string>>,
): Map<number, DataTest[]> {
  const known = [...lineages.values()].flatMap((l) => [...l.outputs, ...l.inputs]);
  const ids = new Set(pipeline.jobs.map((job) => job.id));
  const result = new Map<number, DataTest[]>();
  pipeline.jobs.forEach((job, i) => {
    if (job.tests.length === 0) return;
    const step = `${job.id}${TESTS_STEP_SUFFIX}`;
    if (ids.has(step)) {
      problems.add(
        ['jobs', i, 'tests'],
        `make a step named '${step}', which is also a job id of the pipeline; rename job '${step}'`,
      );
    }
    const built = buildDataTests(job.tests, {
      jobId: job.id,
      values: values.get(i)!(),
      outputs: lineages.get(i)!.outputs,
      known,
    });
    for (const { index, problem } of built.problems) {
      problems.add(['jobs', i, 'tests', index, ...problem.path], problem.message);
    }
    result.set(i, built.tests);
  });
  return result;
}

/** What {@link checkJobs} learnt of the jobs without problems, by job index. */
export interface CheckedJobs {
  /** What each job reads and writes. */
  readonly lineages: ReadonlyMap<number, JobLineage>;
  /** The `${NAME}` values each job sees (computed on demand). */
  readonly values: ReadonlyMap<number, () => Record<string, string>>;
}

/**
 * Checks every job of `pipeline` (of `file`): parameters, job files, Arc and SQL lint, declared datasets; and
 * assembles the lineage of each job that has no problem. `team` is the pipeline's owner (undefined: the
 * environment-wide runtime values).
 */
export function checkJobs(
  problems: Problems,
  file: string,
  repoRoot: string,
  pipeline: PipelineDocument,
  env: EnvironmentConfig | undefined,
  team: Team | undefined,
): CheckedJobs {
  const lineages = new Map<number, JobLineage>();
  const jobValuesByIndex = new Map<number, () => Record<string, string>>();
  pipeline.jobs.forEach((job, i) => {
    const before = problems.lines.length;
    checkParameters(problems, repoRoot, ['jobs', i, 'parameters'], job.parameters);
    const texts = checkJobFiles(problems, repoRoot, i, job);
    const merged = { ...pipeline.parameters, ...job.parameters };
    const context = `run by job '${job.id}' of ${file}`;
    const files = job.files ?? [job.file!];
    // Values as the job will see them (with an environment) or of the same shape (validating without one).
    const lineageEnv = env ?? VALIDATION_ENVIRONMENT;
    // An asset parameter whose file is missing is reported by checkParameters; here it keeps its text.
    const values = (): Record<string, string> =>
      jobValues(
        lineageEnv,
        team,
        Object.fromEntries(
          Object.entries(merged).map(([name, value]) => {
            try {
              return [name, resolveParameters(repoRoot, { [name]: value }, lineageEnv)[name]];
            } catch {
              return [name, value];
            }
          }),
        ),
      );
    const steps: StatementLineage[] = [];
    const dynamic: string[] = [];
    if (job.runtime === 'arc') {
      for (const [k, text] of texts) {
        const jobFile = `${JOBS_DIR}/${files[k]}`;
        const parsed = parseArcJob({
          repoRoot,
          file: jobFile,
          text,
          ...arcEnvironments(job, env),
          parameters: merged,
          context,
        });
        problems.lines.push(...parsed.problems);
        if (parsed.problems.length > 0 || problems.lines.length > before) continue;
        const chain = arcChain(parsed.stages, values());
        for (const problem of chain.problems) {
          problems.lines.push(`${jobFile}: ${problem.where}: ${problem.text} (${context})`);
        }
        steps.push(...chain.steps);
        for (const step of chain.steps.filter((s) => s.dynamic)) {
          dynamic.push(`${jobFile}: ${step.line > 0 ? `line ${step.line}: ` : ''}'${step.summary}'`);
        }
      }
    }
    if (job.runtime === 'sql') {
      const views = new Map<string, readonly DatasetAddress[]>();
      for (const [k, sql] of texts) {
        const keys: PathKey[] = job.files === undefined ? ['jobs', i, 'file'] : ['jobs', i, 'files', k];
        const unknown = checkSqlPlaceholders(problems, keys, files[k], sql, merged);
        if (unknown > 0 || problems.lines.length > before) continue;
        const jobFile = `${JOBS_DIR}/${files[k]}`;
        const compiled = compileSql({ text: sql, values: values(), views });
        for (const problem of compiled.problems) problems.lines.push(`${jobFile}: ${problem} (${context})`);
        steps.push(...compiled.statements);
        for (const statement of compiled.statements.filter((s) => s.dynamic)) {
          dynamic.push(`${jobFile}: line ${statement.line}: '${statement.summary}'`);
        }
      }
    }
    if (problems.lines.length > before) return;
    const declared = declaredDatasets(problems, i, job, values);
    if (declared === null) return;
    const warnings: string[] = [];
    if (declared === undefined) {
      for (const where of dynamic) {
        warnings.push(
          `warning: ${where} reads or writes datasets only run time knows (dynamic SQL), so lineage misses them; ` +
            `declare them with inputs: and outputs: on job '${job.id}' in ${file}`,
        );
      }
      if (job.runtime === 'pyspark') {
        warnings.push(
          `warning: ${file}: job '${job.id}' (pyspark) declares no inputs: or outputs:, so lineage cannot show ` +
            "what it reads and writes; add them, e.g. outputs: ['${DATALAKE}/<path>']",
        );
      }
    }
    lineages.set(i, assembleLineage(steps, declared, warnings));
    jobValuesByIndex.set(i, values);
  });
  return { lineages, values: jobValuesByIndex };
}
