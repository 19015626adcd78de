/**
 * `make run-local PIPELINE=<name> [JOB=<id>] [ENV=dev]`: runs a pipeline's jobs in dependency order on a local Spark.
 *
 *   tsx etl/local/run.ts --pipeline <name> [--job <id>] [--env dev] [--warehouse <dir>]
 *
 * Each job's invocation (arguments, parameters, sparkConf) comes from config/pipelines/invocation.ts, the function
 * the cluster's SparkApplications are built with, over local values: DATALAKE is the local warehouse
 * (.build/local/<env>/warehouse), `asset:` parameters and job files are the files under etl/, EPOCH and
 * CURRENT_TIMESTAMP are the run's start. sql and pyspark jobs run in one Python process (etl/local/driver.py) with
 * one Spark JVM; arc jobs go to runArcJob (etl/local/arc.ts). Jobs that only make sense in AWS (registering tables
 * in Glue through Athena) are skipped with a line saying so: there is no local catalog, the Delta tables are read by
 * path. Nothing here reads or writes AWS or dist/.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  loadEnvironments,
  type EnvironmentConfig,
  SQL_RUNNER,
  jobInvocation,
  testsInvocation,
  testsStepId,
  type InvocationValues,
  type JobInvocation,
  loadPipelines,
  type JobSpec,
  type PipelineSpec,
  ENVIRONMENT_PARAMETERS,
  runtimeParameters,
  type EnvironmentParameter,
} from '../../config';
import { classDataSharing, runArcJob } from './arc';

/** The repository root (this file is etl/local/run.ts). */
export const REPO_ROOT = path.resolve(__dirname, '../..');

/** The local venv's Python (make local-env). */
export const LOCAL_PYTHON = '.build/local/venv/bin/python';
/** The jars of etl/local/jars.lock (make local-env). */
export const LOCAL_JARS_DIR = '.cache/local-jars';

/**
 * Job files that only make sense in AWS, with why; their jobs are skipped locally with one line. The tables they
 * would register stay readable by path (`delta.\`<warehouse>/…\``).
 */
export const AWS_ONLY_JOB_FILES: Readonly<Record<string, string>> = {
  'customer-scd2/register_athena_table.py':
    'registers the table in the Glue catalog through Athena (AWS only)',
};

/** Where a local run of an environment keeps its state: `.build/local/<env>`. */
export function localRoot(repoRoot: string, envName: string): string {
  return path.join(repoRoot, '.build', 'local', envName);
}

/**
 * The local values of a job invocation: the environment's runtime parameters with every AWS location replaced by a
 * local folder, files at their absolute paths, per-run values of `startedAt`.
 */
export function localInvocationValues(
  env: EnvironmentConfig,
  repoRoot: string,
  warehouse: string,
  startedAt: Date,
): InvocationValues {
  const root = path.dirname(warehouse);
  const aws = runtimeParameters(env);
  const local: Record<EnvironmentParameter, string> = {
    ENV: env.name,
    DATALAKE: warehouse,
    DATALAKE_BUCKET: 'local',
    GLUE_DATABASE: aws.GLUE_DATABASE,
    ATHENA_WORKGROUP: aws.ATHENA_WORKGROUP,
    ATHENA_RESULTS: path.join(root, 'athena-results'),
    SPARK_EVENT_LOGS: path.join(root, 'spark-events'),
  };
  return {
    runtime: {
      // Argo's workflow.creationTimestamp.s and .RFC3339 (second precision, UTC).
      EPOCH: String(Math.floor(startedAt.getTime() / 1000)),
      CURRENT_TIMESTAMP: startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...Object.fromEntries(ENVIRONMENT_PARAMETERS.map((name) => [name, local[name]])),
    },
    fileUri: (file) => path.join(repoRoot, file),
    defaultArcEnvironment: env.name,
    // The local Arc environment (make arc-env) supplies its jar; etl/local/arc.ts runs it.
    arcApplication: { jar: 'arc.jar (make arc-env)', mainClass: 'ai.tripl.arc.ARC' },
  };
}

/** The pipeline's jobs in dependency order (a job after everything it depends on; file order otherwise). */
export function dagOrder(pipeline: PipelineSpec): JobSpec[] {
  const done = new Set<string>();
  const order: JobSpec[] = [];
  while (order.length < pipeline.jobs.length) {
    const next = pipeline.jobs.find(
      (job) => !done.has(job.id) && job.dependsOn.every((dep) => done.has(dep)),
    );
    if (next === undefined) throw new Error(`${pipeline.file}: the jobs' dependsOn form a cycle`);
    done.add(next.id);
    order.push(next);
  }
  return order;
}

/** Spark properties of the local session, under every job's own sparkConf. */
export function localSparkConf(
  root: string,
  warehouse: string,
  jars: readonly string[],
): Record<string, string> {
  return {
    'spark.jars': jars.join(','),
    'spark.sql.extensions': 'io.delta.sql.DeltaSparkSessionExtension',
    'spark.sql.catalog.spark_catalog': 'org.apache.spark.sql.delta.catalog.DeltaCatalog',
    'spark.sql.warehouse.dir': warehouse,
    'spark.local.dir': path.join(root, 'tmp'),
    // The client compiler only (as etl/local/arc.ts): a local run's JVM is short-lived, and the optimizing compiler
    // costs more CPU than it saves on small data.
    'spark.driver.extraJavaOptions': `-Dderby.system.home=${path.join(root, 'tmp')} -XX:TieredStopAtLevel=1`,
    // Small data on few cores: few shuffle partitions (a job's sparkConf may set its own), no UI, no event log.
    'spark.sql.shuffle.partitions': '2',
    'spark.default.parallelism': '2',
    'spark.databricks.delta.snapshotPartitions': '2',
    'spark.ui.enabled': 'false',
    'spark.ui.showConsoleProgress': 'false',
    'spark.eventLog.enabled': 'false',
    'spark.driver.memory': '2g',
  };
}

/** True for the jobs etl/local/driver.py runs (sql and pyspark, unless skipped as AWS-only). */
function runsInDriver(job: JobSpec): boolean {
  return job.runtime !== 'arc' && AWS_ONLY_JOB_FILES[job.files[0]] === undefined;
}

/** How one job of a local run ended. */
export interface LocalJobResult {
  readonly id: string;
  readonly status: 'succeeded' | 'failed' | 'skipped' | 'not run';
  readonly seconds?: number;
  /** Rows written where Spark reports them (Delta commits). */
  readonly rows?: number;
  /** Why it failed or was skipped. */
  readonly message?: string;
}

/** A table the run wrote, with its row count after the run. */
export interface LocalTable {
  readonly path: string;
  readonly format: string;
  readonly rows: number;
}

/** What a local run reports. */
export interface LocalRunResult {
  readonly pipeline: string;
  readonly ok: boolean;
  readonly jobs: readonly LocalJobResult[];
  readonly tables: readonly LocalTable[];
  readonly seconds: number;
  /** The failure, naming the pipeline, the job and the failing statement (file:line). */
  readonly error?: string;
  /** Rows of each of `queries`, by name (values as JSON: timestamps as text). */
  readonly queries: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  /** The log file of the run's Spark process. */
  readonly log: string;
}

/** Options of {@link runLocal}. */
export interface LocalRunOptions {
  readonly env: EnvironmentConfig;
  readonly pipeline: PipelineSpec;
  /** Run only this job (its dependencies are assumed to have run). @default - every job */
  readonly job?: string;
  /** The repository whose etl/ files the jobs read. @default REPO_ROOT */
  readonly repoRoot?: string;
  /** The warehouse folder. @default .build/local/<env>/warehouse */
  readonly warehouse?: string;
  /**
   * Spark SQL queries to run after the jobs when all succeeded, in the same session, by name (for inspecting the
   * tables; the tests assert data with them). They run with the last sql/pyspark job, so a pipeline without one runs
   * none. @default {}
   */
  readonly queries?: Readonly<Record<string, string>>;
  /** Progress lines. @default console.log */
  readonly print?: (line: string) => void;
}

interface DriverJob {
  readonly id: string;
  readonly runtime: 'sql' | 'pyspark';
  readonly main: string;
  readonly arguments: readonly string[];
  readonly sparkConf: Readonly<Record<string, string>>;
}

interface DriverEvent {
  readonly event: string;
  readonly job?: string;
  readonly seconds?: number;
  readonly rows?: number | null;
  readonly message?: string;
  readonly sparkVersion?: string;
  readonly tables?: LocalTable[];
  readonly name?: string;
  readonly result?: Record<string, unknown>[];
}

function relative(repoRoot: string, text: string): string {
  return text.split(`${repoRoot}${path.sep}`).join('');
}

/** Runs `jobs` (sql and pyspark) in one driver process; resolves with its events. */
function runDriver(
  repoRoot: string,
  plan: object,
  planFile: string,
  log: string,
  onEvent: (event: DriverEvent) => void,
): Promise<number> {
  fs.writeFileSync(planFile, JSON.stringify(plan, null, 2));
  const out = fs.openSync(log, 'a');
  return new Promise((resolve, reject) => {
    const python = path.join(REPO_ROOT, LOCAL_PYTHON);
    const child = spawn(python, ['-B', path.join(REPO_ROOT, 'etl/local/driver.py'), planFile], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: '1',
        PYSPARK_PYTHON: python,
        SPARK_LOCAL_IP: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', out],
    });
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.startsWith('@@event ')) onEvent(JSON.parse(line.slice('@@event '.length)) as DriverEvent);
        else fs.appendFileSync(log, `${line}\n`);
        newline = buffer.indexOf('\n');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      fs.closeSync(out);
      resolve(code ?? 1);
    });
  });
}

function fmtRows(rows: number | undefined): string {
  return rows === undefined ? '' : `, ${rows.toLocaleString('en-US')} rows written`;
}

/** Runs a pipeline (or one job of it) locally; never throws for a failing job, reports it in the result. */
export async function runLocal(options: LocalRunOptions): Promise<LocalRunResult> {
  const { env, pipeline } = options;
  const print = options.print ?? ((line: string) => console.log(line));
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const root = localRoot(REPO_ROOT, env.name);
  const warehouse = path.resolve(options.warehouse ?? path.join(root, 'warehouse'));
  const startedAt = new Date();
  const runId = `${pipeline.name}-${startedAt.toISOString().replace(/[:.]/g, '-')}`;
  const logDir = path.join(root, 'logs', runId);
  fs.mkdirSync(logDir, { recursive: true });
  fs.mkdirSync(warehouse, { recursive: true });
  fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  const log = path.join(logDir, 'spark.log');

  let jobs = dagOrder(pipeline);
  if (options.job !== undefined) {
    const only = jobs.find((job) => job.id === options.job);
    if (only === undefined) {
      throw new Error(
        `${pipeline.file}: no job '${options.job}'; jobs: ${pipeline.jobs.map((job) => job.id).join(', ')}`,
      );
    }
    jobs = [only];
  }
  // A job with data tests is followed by its tests step, as in the WorkflowTemplate: the SQL runner with --test.
  const tested = new Map<string, JobSpec>();
  jobs = jobs.flatMap((job) => {
    if ((job.tests ?? []).length === 0) return [job];
    const step: JobSpec = { ...job, id: testsStepId(job), runtime: 'sql', files: [], dependsOn: [job.id] };
    tested.set(step.id, job);
    return [job, step];
  });
  const values = localInvocationValues(env, repoRoot, warehouse, startedAt);
  const invocations = new Map<string, JobInvocation>(
    jobs.map((job) => {
      const of = tested.get(job.id);
      return [
        job.id,
        of === undefined ? jobInvocation(pipeline, job, values) : testsInvocation(pipeline, of, values),
      ];
    }),
  );
  const jars = fs.existsSync(path.join(REPO_ROOT, LOCAL_JARS_DIR))
    ? fs
        .readdirSync(path.join(REPO_ROOT, LOCAL_JARS_DIR))
        .filter((name) => name.endsWith('.jar'))
        .sort()
        .map((name) => path.join(REPO_ROOT, LOCAL_JARS_DIR, name))
    : [];
  if (!fs.existsSync(path.join(REPO_ROOT, LOCAL_PYTHON)) || jars.length === 0) {
    throw new Error(
      `the local Spark environment is missing (${LOCAL_PYTHON}, ${LOCAL_JARS_DIR}); run make local-env`,
    );
  }

  print(
    `run-local: pipeline ${pipeline.name} (${pipeline.file}), environment ${env.name}, ${jobs.length} job(s)`,
  );
  print(
    `run-local: warehouse ${path.relative(REPO_ROOT, warehouse) || warehouse}; log ${path.relative(REPO_ROOT, log)}`,
  );
  const results = new Map<string, LocalJobResult>();
  const tables: LocalTable[] = [];
  const queries: Record<string, Record<string, unknown>[]> = {};
  let error: string | undefined;
  const fail = (job: string, message: string) => {
    error = `pipeline ${pipeline.name}: job '${job}' failed: ${relative(repoRoot, message)}`;
  };

  // Consecutive sql/pyspark jobs share one driver process (one JVM); an arc job runs between batches.
  let index = 0;
  while (index < jobs.length && error === undefined) {
    const job = jobs[index];
    const invocation = invocations.get(job.id)!;
    const skip = AWS_ONLY_JOB_FILES[job.files[0]];
    if (skip !== undefined) {
      print(`run-local: ${job.id}: skipped locally: ${job.files[0]} ${skip}`);
      results.set(job.id, { id: job.id, status: 'skipped', message: skip });
      index += 1;
      continue;
    }
    if (job.runtime === 'arc') {
      const jobLogs = path.join(logDir, job.id);
      fs.mkdirSync(jobLogs, { recursive: true });
      print(`run-local: ${job.id} (arc, ${job.files[0]}) ...`);
      const began = Date.now();
      try {
        const arc = await runArcJob({
          pipeline: pipeline.name,
          jobId: job.id,
          jobFile: invocation.files[0],
          arcEnvironment: invocation.arcEnvironment ?? env.name,
          invocation,
          warehouseDir: warehouse,
          logDir: jobLogs,
        });
        const seconds = (Date.now() - began) / 1000;
        results.set(job.id, { id: job.id, status: 'succeeded', seconds, rows: arc.rowsWritten });
        print(`run-local: ${job.id}: done in ${seconds.toFixed(1)} s${fmtRows(arc.rowsWritten)}`);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        results.set(job.id, { id: job.id, status: 'failed', seconds: (Date.now() - began) / 1000, message });
        fail(job.id, message);
      }
      index += 1;
      continue;
    }
    const batch: DriverJob[] = [];
    while (index < jobs.length) {
      const next = jobs[index];
      if (!runsInDriver(next) || next.runtime === 'arc') break;
      const inv = invocations.get(next.id)!;
      batch.push({
        id: next.id,
        runtime: next.runtime,
        main: inv.mainApplicationFile,
        arguments: inv.arguments,
        sparkConf: inv.sparkConf,
      });
      index += 1;
    }
    // The driver's JVM maps the classes earlier runs loaded (etl/local/arc.ts classDataSharing).
    const sharing = classDataSharing(path.join(REPO_ROOT, '.build', 'local'), [
      path.join(REPO_ROOT, path.dirname(path.dirname(LOCAL_PYTHON)), '.installed'),
      path.join(REPO_ROOT, LOCAL_JARS_DIR, '.installed'),
    ]);
    const sparkConf = localSparkConf(root, warehouse, jars);
    const plan = {
      master: 'local[*]',
      appName: `run-local ${pipeline.name}`,
      warehouse,
      runners: path.dirname(values.fileUri(SQL_RUNNER)),
      sparkConf: {
        ...sparkConf,
        'spark.driver.extraJavaOptions': `${sparkConf['spark.driver.extraJavaOptions']} ${sharing.option}`,
      },
      jobs: batch,
      // Queries run in the last batch, after every job that runs in Spark here.
      queries: jobs.slice(index).some(runsInDriver) ? {} : (options.queries ?? {}),
    };
    let failedJob: string | undefined;
    const code = await runDriver(repoRoot, plan, path.join(logDir, `plan-${index}.json`), log, (event) => {
      switch (event.event) {
        case 'session':
          print(`run-local: Spark ${event.sparkVersion} session up in ${event.seconds} s`);
          break;
        case 'start': {
          const spec = jobs.find((j) => j.id === event.job)!;
          const of = tested.get(spec.id);
          print(
            `run-local: ${event.job} (${of === undefined ? `${spec.runtime}, ${spec.files.join(', ')}` : `${of.tests!.length} data tests of ${of.id}`}) ...`,
          );
          break;
        }
        case 'note':
          print(`run-local: ${event.job}: ${event.message}`);
          break;
        case 'done': {
          const rows = event.rows ?? undefined;
          results.set(event.job!, { id: event.job!, status: 'succeeded', seconds: event.seconds, rows });
          print(`run-local: ${event.job}: done in ${event.seconds} s${fmtRows(rows)}`);
          break;
        }
        case 'failed':
          failedJob = event.job;
          results.set(event.job!, {
            id: event.job!,
            status: 'failed',
            seconds: event.seconds,
            message: event.message,
          });
          fail(event.job!, event.message ?? 'failed');
          break;
        case 'tables':
          tables.push(...(event.tables ?? []));
          break;
        case 'query':
          queries[event.name!] = event.result ?? [];
          break;
      }
    });
    sharing.finish(code);
    if (code !== 0 && error === undefined) {
      const job = failedJob ?? batch.find((j) => !results.has(j.id))?.id ?? batch[0].id;
      results.set(job, { id: job, status: 'failed', message: `Spark process exited with status ${code}` });
      fail(job, `the local Spark process exited with status ${code}; see ${path.relative(REPO_ROOT, log)}`);
    }
  }

  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  const jobResults = jobs.map((job) => results.get(job.id) ?? { id: job.id, status: 'not run' as const });
  print('run-local: summary');
  for (const result of jobResults) {
    const time = result.seconds === undefined ? '' : ` ${result.seconds.toFixed(1)} s`;
    print(`  ${result.id.padEnd(24)} ${result.status}${time}${fmtRows(result.rows)}`);
  }
  for (const table of tables) {
    print(
      `  table ${path.relative(warehouse, table.path)} (${table.format}): ${table.rows.toLocaleString('en-US')} rows`,
    );
  }
  print(`run-local: ${error === undefined ? 'succeeded' : 'FAILED'} in ${seconds.toFixed(1)} s`);
  return {
    pipeline: pipeline.name,
    ok: error === undefined,
    jobs: jobResults,
    tables,
    seconds,
    error,
    queries,
    log,
  };
}

function argValue(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(args: readonly string[]): Promise<number> {
  const name = argValue(args, '--pipeline') ?? '';
  const envName = argValue(args, '--env') ?? 'dev';
  const pipelines = loadPipelines(REPO_ROOT);
  const pipeline = pipelines.find((p) => p.name === name);
  if (pipeline === undefined) {
    console.error(
      `run-local: ${name === '' ? 'no PIPELINE given' : `no pipeline named '${name}' in etl/pipelines/`}; ` +
        `run make run-local PIPELINE=<name> with one of: ${pipelines.map((p) => p.name).join(', ')}`,
    );
    return 2;
  }
  const [env] = loadEnvironments([envName]);
  const job = argValue(args, '--job');
  const result = await runLocal({
    env,
    pipeline,
    ...(job === undefined || job === '' ? {} : { job }),
    ...(argValue(args, '--warehouse') === undefined ? {} : { warehouse: argValue(args, '--warehouse') }),
  });
  if (!result.ok) {
    console.error(`run-local: ${result.error}`);
    console.error(`run-local: the Spark log is ${path.relative(REPO_ROOT, result.log)}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] !== undefined && path.basename(process.argv[1]) === 'run.ts') {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`run-local: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(2);
    },
  );
}
