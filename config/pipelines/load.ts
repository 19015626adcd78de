import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ASSET_ROOTS, assetOf, assetUri } from '../assets';
import type { EnvironmentConfig } from '../environment';
import { teamNames, type Team } from '../teams';
import { environmentSources } from '../environments';
import { parseArcJob } from './arc-lint';
import { arcChain } from './arc-chain';
import { buildDataTests } from './data-tests';
import {
  MAX_SPARK_APPLICATION_NAME,
  RESOURCE_SPARK_KEYS,
  TESTS_STEP_SUFFIX,
  WORKFLOW_NAME_SUFFIX_LENGTH,
  jobIdBudget,
} from './limits';
import {
  VALIDATION_ENVIRONMENT,
  assembleLineage,
  jobValues,
  parseDeclaredDataset,
  type LineageEnvironment,
} from './lineage';
import type { DataTest, DatasetAddress, JobLineage, JobSpec, PipelineSpec, Schedule } from './model';
import { DEFAULT_SIZE, SIZE_PRESETS } from './presets';
import { RUNTIME_PARAMETER_NAMES, isRuntimeParameter } from './runtime-parameters';
import {
  MAX_NAME_LENGTH,
  PipelineSchema,
  allowedKeysAt,
  isValidName,
  parseTimeout,
  type JobDocument,
  type PipelineDocument,
} from './schema';
import { setHoconCache } from './hocon-sync';
import { compileSql, setSqlCompileCache, type StatementLineage } from './sql-compile';
import { closest } from './suggest';

/** Folder of the pipeline definitions, relative to the repository root. */
export const PIPELINES_DIR = 'etl/pipelines';

/** Folder job files are relative to. */
export const JOBS_DIR = 'etl/jobs';

/** Prefix of a parameter value that names an uploaded file: `asset:<path under etl/>`. */
export const ASSET_PREFIX = 'asset:';

/** What to do about a YAML syntax error, by the yaml library's error code. */
const SYNTAX_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'remove or rename one of the two keys',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BLOCK_AS_IMPLICIT_KEY: "quote the value, it contains ': '",
  MULTILINE_IMPLICIT_KEY: "quote the value, it contains ': '",
  default: 'check the indentation (items of one list or mapping start in the same column; spaces, not tabs)',
};

/** A `${NAME}` placeholder in a SQL file. */
const SQL_PLACEHOLDER = /\$\{([^}]*)\}/g;
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * One or more invalid pipeline definitions. Each line of the message names the file, the field, the bad value and
 * the fix; `problems` holds the lines.
 */
export class PipelineError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'PipelineError';
  }
}

type PathKey = string | number;

/** `jobs[2].dependsOn[0]`, `parameters.FOO`, `jobs[0].sparkConf["spark.sql.shuffle.partitions"]`. */
export function formatPath(keys: readonly PropertyKey[]): string {
  return keys
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const text = String(key);
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(text)) return `[${JSON.stringify(text)}]`;
      return i === 0 ? text : `.${text}`;
    })
    .join('');
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(input: unknown, keys: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Suggestions ignore case, hyphens and underscores (`depends_on` → `dependsOn`). */
const suggest = (word: string, candidates: readonly string[]) =>
  closest(word, candidates, { normalize: (s) => s.toLowerCase().replace(/[-_]/g, '') });

/** Collects the problems of one file, each with the line of the YAML node it concerns. */
class Problems {
  readonly lines: string[] = [];

  constructor(
    private readonly file: string,
    private readonly doc?: Document,
    private readonly lineCounter?: LineCounter,
  ) {}

  /** `<file>: field <path>: <text> (line n)`; `keyOnly` points the line at the key (unknown fields). */
  add(keys: readonly PathKey[], text: string, keyOnly = false): void {
    const line = this.lineOf(keys, keyOnly);
    const field = keys.length === 0 ? '(top level)' : formatPath(keys);
    this.lines.push(`${this.file}: field ${field}: ${text}${line === undefined ? '' : ` (line ${line})`}`);
  }

  /** A problem without a field (YAML syntax, file system). */
  addRaw(text: string): void {
    this.lines.push(`${this.file}: ${text}`);
  }

  private lineOf(keys: readonly PathKey[], keyOnly: boolean): number | undefined {
    if (this.doc === undefined || this.lineCounter === undefined) return undefined;
    let node: unknown = this.doc.contents;
    let found = node as Node | null;
    for (const [i, key] of keys.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
        if (pair === undefined) break;
        node = keyOnly && i === keys.length - 1 ? pair.key : pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
      } else {
        break;
      }
      if (node !== null && typeof node === 'object' && 'range' in node) found = node as Node;
    }
    const offset = found?.range?.[0];
    return offset === undefined ? undefined : this.lineCounter.linePos(offset).line;
  }
}

function describeIssue(problems: Problems, input: unknown, issue: z.core.$ZodIssue): void {
  const keys = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(keys);
    for (const key of issue.keys) {
      const guess = suggest(key, allowed);
      problems.add(
        [...keys, key],
        `unknown field; ${guess === undefined ? 'remove it or check the spelling' : `did you mean '${guess}'?`} ` +
          `Allowed fields here are: ${allowed.join(', ')}`,
        true,
      );
    }
    return;
  }
  if (issue.code === 'invalid_key') {
    const reason = issue.issues.map((i) => i.message).join('; ');
    problems.add(keys, `key ${show(keys[keys.length - 1])} is not allowed: ${reason}`, true);
    return;
  }
  const value = valueAt(input, keys);
  if (value === undefined) {
    problems.add(keys, `missing; ${issue.message}`);
  } else if (issue.code === 'custom' && issue.params?.sentence === true) {
    problems.add(keys, `${show(value)} ${issue.message}`);
  } else {
    problems.add(keys, `${show(value)} is not allowed: ${issue.message}`);
  }
}

/** The pipeline name a file must declare: its base name without .yaml/.yml. */
function expectedName(file: string): string {
  return path.posix.basename(file).replace(/\.ya?ml$/, '');
}

/**
 * The team `owner` names in `env`, or undefined after reporting an unknown one with the known names and a "did you
 * mean" among them (so the suggestion is always a valid owner).
 */
function checkOwner(
  problems: Problems,
  env: { readonly name: string; readonly teams: readonly Pick<Team, 'name'>[] },
  owner: string,
): Team | undefined {
  const team = env.teams.find((t) => t.name === owner);
  if (team !== undefined) return team as Team;
  const guess = suggest(
    owner,
    env.teams.map((t) => t.name),
  );
  problems.add(
    ['owner'],
    `${show(owner)} is not a team of environment ${env.name}; ` +
      `${guess === undefined ? '' : `did you mean owner: ${guess}? `}` +
      `its teams are: ${teamNames(env.teams)} (declare a new team under teams: in config/environments/${env.name}.ts)`,
  );
  return undefined;
}

/**
 * Without an environment (`make synth`'s first check): the owner must be a team of every shipped environment, since
 * the pipeline is synthesized for each. Reports the first environment that lacks it; returns no team (the runtime
 * values stay the environment-wide ones).
 */
function checkOwnerEverywhere(problems: Problems, owner: string): undefined {
  for (const source of environmentSources) {
    const teams = (source.input as { teams?: readonly { name?: unknown }[] }).teams ?? [];
    const names = teams.map((t) => t.name).filter((n): n is string => typeof n === 'string');
    if (names.includes(owner)) continue;
    const env = path.posix.basename(source.file, '.ts');
    checkOwner(problems, { name: env, teams: names.map((name) => ({ name })) }, owner);
    return undefined;
  }
  return undefined;
}

function checkName(problems: Problems, file: string, name: unknown): void {
  const expected = expectedName(file);
  if (typeof name === 'string' && name !== expected) {
    // Offer only fixes that are valid themselves: never "rename the file to Daily-Revenue.yaml".
    const fixes = [
      ...(isValidName(expected) ? [`set name: ${expected}`] : []),
      ...(isValidName(name) ? [`rename the file to ${name}.yaml`] : []),
    ];
    problems.add(
      ['name'],
      `${show(name)} does not match the file name; ` +
        (fixes.length > 0
          ? fixes.join(' or ')
          : "rename the file to a valid pipeline name (lowercase letters, digits and '-', starting with a letter, " +
            `at most ${MAX_NAME_LENGTH} characters) and set name: to the same`),
    );
  }
}

/** Duplicate ids, unknown dependencies and cycles. */
function checkDag(problems: Problems, jobs: readonly JobDocument[]): void {
  const firstIndex = new Map<string, number>();
  jobs.forEach((job, i) => {
    const first = firstIndex.get(job.id);
    if (first === undefined) firstIndex.set(job.id, i);
    else {
      problems.add(
        ['jobs', i, 'id'],
        `${show(job.id)} is already the id of jobs[${first}]; job ids must be unique in a pipeline, rename one`,
      );
    }
  });
  const ids = [...firstIndex.keys()];
  let unknown = false;
  jobs.forEach((job, i) =>
    job.dependsOn.forEach((dep, k) => {
      if (job.dependsOn.indexOf(dep) < k) {
        problems.add(['jobs', i, 'dependsOn', k], `${show(dep)} is listed twice; remove the duplicate`);
      } else if (dep === job.id) {
        unknown = true;
        problems.add(['jobs', i, 'dependsOn', k], `${show(dep)} is the job itself; remove it`);
      } else if (!firstIndex.has(dep)) {
        unknown = true;
        const guess = suggest(dep, ids);
        problems.add(
          ['jobs', i, 'dependsOn', k],
          `${show(dep)} is not a job of this pipeline; ${guess === undefined ? '' : `did you mean '${guess}'? `}` +
            `defined jobs are: ${ids.join(', ')}`,
        );
      }
    }),
  );
  // A cycle through an unknown or duplicate id would be a consequence of that problem; report it alone.
  if (unknown || firstIndex.size < jobs.length) return;
  for (const cycle of findCycles(jobs)) {
    // Point at the edge leaving the cycle's first job in file order.
    const start = cycle.indexOf(Math.min(...cycle));
    const ordered = [...cycle.slice(start), ...cycle.slice(0, start)];
    const from = jobs[ordered[0]];
    const to = jobs[ordered[1 % ordered.length]].id;
    const names = [...ordered, ordered[0]].map((i) => jobs[i].id);
    problems.add(
      ['jobs', ordered[0], 'dependsOn', from.dependsOn.indexOf(to)],
      `${show(to)} closes a dependency cycle (→ means 'depends on'): ${names.join(' → ')}; ` +
        'remove one of these dependencies',
    );
  }
}

/**
 * Limits the k8s layer would otherwise hit: the SparkApplication name `<workflow>-<job id>` (63 characters, the
 * workflow name being the pipeline's plus Argo's run suffix) and Spark settings that size: and resources: own.
 */
function checkClusterLimits(problems: Problems, pipeline: PipelineDocument): void {
  const budget = jobIdBudget(pipeline.name);
  pipeline.jobs.forEach((job, i) => {
    if (job.id.length > budget) {
      const total = pipeline.name.length + WORKFLOW_NAME_SUFFIX_LENGTH + 1 + job.id.length;
      problems.add(
        ['jobs', i, 'id'],
        `${show(job.id)} (${job.id.length} characters) makes the SparkApplication name '<run of ${pipeline.name}>-` +
          `${job.id}' ${total} characters long (pipeline name ${pipeline.name.length} + ${WORKFLOW_NAME_SUFFIX_LENGTH} ` +
          `for Argo's run suffix + 1 + job id); Kubernetes allows ${MAX_SPARK_APPLICATION_NAME}. ` +
          `Shorten the job id to at most ${budget} characters, or the pipeline name`,
      );
    }
    for (const key of RESOURCE_SPARK_KEYS) {
      if (!(key in job.sparkConf)) continue;
      problems.add(
        ['jobs', i, 'sparkConf', key],
        `is set by the job's size: or resources: (cores and memory become the pods' requests); remove it and ` +
          `use size: (${Object.keys(SIZE_PRESETS).join(', ')}) or resources: { driver: { cores, memory }, executor: ` +
          '{ cores, memory, minInstances, maxInstances } }',
        true,
      );
    }
  });
}

/** Every distinct cycle of the dependency graph, as job indexes in dependency order (a depends on b …). */
function findCycles(jobs: readonly JobDocument[]): number[][] {
  const index = new Map(jobs.map((job, i) => [job.id, i]));
  const state: ('new' | 'open' | 'done')[] = jobs.map(() => 'new');
  const stack: number[] = [];
  const seen = new Set<string>();
  const cycles: number[][] = [];
  const visit = (i: number): void => {
    state[i] = 'open';
    stack.push(i);
    for (const dep of jobs[i].dependsOn) {
      const j = index.get(dep)!;
      if (state[j] === 'open') {
        const cycle = stack.slice(stack.indexOf(j));
        const key = [...cycle].sort((a, b) => a - b).join(',');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (state[j] === 'new') {
        visit(j);
      }
    }
    stack.pop();
    state[i] = 'done';
  };
  jobs.forEach((_, i) => {
    if (state[i] === 'new') visit(i);
  });
  return cycles;
}

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
function checkParameters(
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
      `${show(file)} uses \${${name}} (line ${line} of ${JOBS_DIR}/${file}), which neither the pipeline, the job nor ` +
        `the runtime supplies; ${guess === undefined ? '' : `did you mean \${${guess}}? Otherwise `}add ${name}: ` +
        `<value> under the job's or the pipeline's parameters, or remove it ` +
        `(runtime parameters: ${RUNTIME_PARAMETER_NAMES.join(', ')})`,
    );
  }
  return reported.size;
}

function resolveParameters(
  repoRoot: string,
  parameters: Readonly<Record<string, string>>,
  env: LineageEnvironment | undefined,
): Record<string, string> {
  if (env === undefined) return { ...parameters };
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => [
      name,
      value.startsWith(ASSET_PREFIX)
        ? assetUri(env, assetOf(repoRoot, `etl/${value.slice(ASSET_PREFIX.length)}`))
        : value,
    ]),
  );
}

function toJobSpec(
  repoRoot: string,
  doc: PipelineDocument,
  job: JobDocument,
  env: EnvironmentConfig | undefined,
  lineage: JobLineage,
  tests: readonly DataTest[],
): JobSpec {
  const size = job.resources !== undefined ? 'custom' : (job.size ?? DEFAULT_SIZE);
  const arcEnvironment = job.runtime === 'arc' ? (job.environment ?? env?.name) : undefined;
  return {
    id: job.id,
    runtime: job.runtime,
    files: job.files ?? [job.file!],
    size,
    resources: job.resources ?? SIZE_PRESETS[size === 'custom' ? DEFAULT_SIZE : size],
    sparkConf: job.sparkConf,
    ...(arcEnvironment === undefined ? {} : { arcEnvironment }),
    parameters: resolveParameters(repoRoot, { ...doc.parameters, ...job.parameters }, env),
    retries: job.retries,
    timeoutSeconds: parseTimeout(job.timeout)!,
    dependsOn: job.dependsOn,
    lineage,
    ...(tests.length === 0 ? {} : { tests }),
  };
}

/**
 * The Arc environments an arc job runs in, which every stage must list: its `environment:`, else the environment's
 * name; validating without an environment, each shipped environment's name (the job runs under each).
 */
function arcEnvironments(
  job: JobDocument,
  env: EnvironmentConfig | undefined,
): { environments: string[]; environmentReason: string } {
  if (job.environment !== undefined) {
    return {
      environments: [job.environment],
      environmentReason: `job '${job.id}' sets environment: ${job.environment}`,
    };
  }
  const names =
    env !== undefined ? [env.name] : environmentSources.map((s) => path.posix.basename(s.file, '.ts'));
  return {
    environments: names,
    environmentReason: `job '${job.id}' sets no environment:, so it runs under the environment's name (${names.join(', ')})`,
  };
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
        problems.add(
          keys,
          `${show(raw)} uses \${${missing[0]}}, which neither the pipeline, the job nor the runtime supplies; ` +
            `${guess === undefined ? '' : `did you mean \${${guess}}? Otherwise `}add ${missing[0]}: <value> ` +
            `under the job's or the pipeline's parameters`,
        );
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
 * what its job writes, in the format a job of the pipeline shows. Also checks the names the test steps take.
 */
function checkDataTests(
  problems: Problems,
  pipeline: PipelineDocument,
  lineages: ReadonlyMap<number, JobLineage>,
  values: ReadonlyMap<number, () => Record<string, string>>,
): Map<number, DataTest[]> {
  const known = [...lineages.values()].flatMap((l) => [...l.outputs, ...l.inputs]);
  const ids = new Set(pipeline.jobs.map((job) => job.id));
  const budget = jobIdBudget(pipeline.name) - TESTS_STEP_SUFFIX.length;
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
    if (job.id.length > budget) {
      problems.add(
        ['jobs', i, 'id'],
        `${show(job.id)} (${job.id.length} characters) with data tests makes the SparkApplication name '<run of ` +
          `${pipeline.name}>-${step}' longer than Kubernetes' ${MAX_SPARK_APPLICATION_NAME} characters; shorten ` +
          `the job id to at most ${budget} characters, or the pipeline name`,
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

/** The problems of one file and, when there are none, its spec. */
function checkPipeline(
  file: string,
  text: string,
  repoRoot: string,
  env: EnvironmentConfig | undefined,
): { spec?: PipelineSpec; problems: string[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // Later syntax errors are mostly consequences of the first; report it alone.
    const [error] = doc.errors;
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const more = doc.errors.length > 1 ? ` (${doc.errors.length - 1} more after it; fix this one first)` : '';
    return {
      problems: [
        `${file}: line ${line}, column ${col}: YAML syntax error: ${error.message.split('\n')[0]}; ` +
          `${SYNTAX_HINTS[error.code] ?? SYNTAX_HINTS.default}${more}`,
      ],
    };
  }
  const input: unknown = doc.toJS();
  const problems = new Problems(file, doc, lineCounter);
  if (input === null || input === undefined) {
    problems.add(
      [],
      `the file is empty; start with name: ${expectedName(file)}, description:, owner: and jobs:`,
    );
    return { problems: problems.lines };
  }
  checkName(problems, file, valueAt(input, ['name']));
  const result = PipelineSchema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) describeIssue(problems, input, issue);
    return { problems: problems.lines };
  }
  const pipeline = result.data;
  const team =
    env === undefined
      ? checkOwnerEverywhere(problems, pipeline.owner)
      : checkOwner(problems, env, pipeline.owner);
  checkDag(problems, pipeline.jobs);
  checkClusterLimits(problems, pipeline);
  checkParameters(problems, repoRoot, ['parameters'], pipeline.parameters);
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
  if (problems.lines.length > 0) return { problems: problems.lines };
  const tests = checkDataTests(problems, pipeline, lineages, jobValuesByIndex);
  if (problems.lines.length > 0) return { problems: problems.lines };

  const schedule: Schedule | undefined = pipeline.schedule;
  const spec: PipelineSpec = {
    file,
    name: pipeline.name,
    description: pipeline.description,
    owner: pipeline.owner,
    tags: pipeline.tags,
    ...(schedule === undefined ? {} : { schedule }),
    concurrencyPolicy: pipeline.concurrencyPolicy,
    parameters: resolveParameters(repoRoot, pipeline.parameters, env),
    jobs: pipeline.jobs.map((job, i) =>
      toJobSpec(repoRoot, pipeline, job, env, lineages.get(i)!, tests.get(i) ?? []),
    ),
  };
  return { spec, problems: [] };
}

/**
 * Validates one pipeline file and resolves its defaults. `file` is the path relative to the repository root (it
 * names the pipeline and appears in messages). With `env`, `asset:` parameters become S3 URIs and arc jobs get the
 * environment's name as their Arc environment; without it both stay as written. Throws PipelineError listing every
 * problem of the file.
 */
export function parsePipeline(
  file: string,
  text: string,
  repoRoot: string,
  env?: EnvironmentConfig,
): PipelineSpec {
  const { spec, problems } = checkPipeline(file, text, repoRoot, env);
  if (spec === undefined) throw new PipelineError(problems);
  return spec;
}

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

/**
 * Loads and validates every pipeline under etl/pipelines/, sorted by file. Throws one PipelineError listing the
 * problems of every invalid file, and duplicate names across files.
 */
export function loadPipelines(repoRoot: string, env?: EnvironmentConfig): PipelineSpec[] {
  // Compile results are kept under .build/ (git-ignored): `make synth` compiles in its check and again in the k8s app.
  setSqlCompileCache(path.join(repoRoot, '.build', 'sql-compile'));
  setHoconCache(path.join(repoRoot, '.build', 'hocon'));
  const problems: string[] = [];
  const specs: PipelineSpec[] = [];
  const owners = new Map<string, string>();
  const scan = scanPipelineFiles(repoRoot);
  problems.push(...scan.problems);
  for (const file of scan.files) {
    const read = readText(repoRoot, file);
    if (read.problem !== undefined) {
      problems.push(`${file}: file: ${read.problem}`);
      continue;
    }
    const result = checkPipeline(file, read.text, repoRoot, env);
    problems.push(...result.problems);
    if (result.spec === undefined) continue;
    const other = owners.get(result.spec.name);
    if (other !== undefined) {
      problems.push(
        `${file}: field name: ${show(result.spec.name)} is already the name of ${other}; pipeline names must be ` +
          'unique (each becomes a WorkflowTemplate); delete or rename one of the two files',
      );
      continue;
    }
    owners.set(result.spec.name, file);
    specs.push(result.spec);
  }
  if (problems.length > 0) throw new PipelineError(problems);
  return specs;
}
