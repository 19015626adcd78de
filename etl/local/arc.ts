import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type EnvironmentConfig,
  type InvocationValues,
  type JobInvocation,
  runtimeParameters,
} from '../../config';

/**
 * The local Arc environment (`make arc-env`, .cache/arc): Arc's own job parser and runtime on a local Spark 3.3.4,
 * for lint-only checks of every Arc job and for `make run-local` of Arc pipelines. See etl/local/arc/pom.xml for the
 * pins and why Arc 3.7.0 from Maven Central stands for the image's 4.2.0.
 */

/** Where `make arc-env` puts the environment, relative to the repository root. */
export const ARC_CACHE = '.cache/arc';
/** Arc's entry point, as in the SparkApplication. */
export const ARC_MAIN_CLASS = 'ai.tripl.arc.ARC';
/** Many lint-only checks in one JVM (etl/local/arc/src/ArcLintBatch.scala). */
const LINT_BATCH_CLASS = 'sqletl.arc.lint.ArcLintBatch';

/** Spark 3.3 on Java 17 needs these packages opened (Spark's own launcher adds the same list). */
export const ARC_JVM_OPTIONS: readonly string[] = [
  'java.lang',
  'java.lang.invoke',
  'java.lang.reflect',
  'java.io',
  'java.net',
  'java.nio',
  'java.util',
  'java.util.concurrent',
  'java.util.concurrent.atomic',
  'sun.nio.ch',
  'sun.nio.cs',
  'sun.security.action',
  'sun.util.calendar',
].map((pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`);

/**
 * Invocation values of a local Arc run (for config/pipelines/invocation.ts): the environment's runtime parameters
 * with DATALAKE at the local warehouse, files at their paths in the repository, per-run values from `start`.
 */
export function localArcInvocationValues(
  repoRoot: string,
  env: EnvironmentConfig,
  warehouseDir: string,
  start: Date,
): InvocationValues {
  return {
    runtime: {
      EPOCH: String(Math.floor(start.getTime() / 1000)),
      CURRENT_TIMESTAMP: start.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...runtimeParameters(env),
      DATALAKE: warehouseDir,
    },
    fileUri: (file) => path.join(repoRoot, file),
    defaultArcEnvironment: env.name,
    arcApplication: {
      jar: path.join(repoRoot, ARC_CACHE, 'lib', 'arc_2.12-3.7.0.jar'),
      mainClass: ARC_MAIN_CLASS,
    },
  };
}

/** The classpath of the local Arc environment; fails with what to run when it is missing. */
export function arcClasspath(repoRoot: string): string {
  const home = path.join(repoRoot, ARC_CACHE);
  if (!fs.existsSync(path.join(home, 'stamp'))) {
    throw new Error(`the local Arc environment is missing (${home}); run \`make arc-env\` first`);
  }
  return [path.join(home, 'sqletl-arc.jar'), path.join(home, 'lib', '*')].join(path.delimiter);
}

/**
 * Spark properties of every local Arc JVM, under the job's own sparkConf: one local executor of two cores, no UI,
 * Delta Lake SQL (the image gets the same two from the SparkApplication), small shuffles, scratch space under
 * `scratchDir`.
 */
export function localArcSparkConf(scratchDir: string): Record<string, string> {
  return {
    'spark.master': 'local[2]',
    'spark.ui.enabled': 'false',
    'spark.sql.shuffle.partitions': '2',
    // Dates and times the same on every machine (the cluster's pods run in UTC).
    'spark.sql.session.timeZone': 'UTC',
    'spark.sql.extensions': 'io.delta.sql.DeltaSparkSessionExtension',
    'spark.sql.catalog.spark_catalog': 'org.apache.spark.sql.delta.catalog.DeltaCatalog',
    'spark.sql.warehouse.dir': path.join(scratchDir, 'spark-warehouse'),
    'spark.local.dir': path.join(scratchDir, 'tmp'),
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
  };
}

interface JavaRun {
  readonly code: number;
  readonly output: string;
}

let archiveCount = 0;

/**
 * Class data sharing for short-lived Spark JVMs: the classes a run loads from an environment's jars (Spark, Delta,
 * Arc), parsed and verified once into an archive in `dir` and mapped by the next runs instead of being loaded again.
 * The first run without an archive writes one at exit (under a name of its own, renamed by `finish` when the run
 * succeeded, so JVMs started together never share a half-written file). The archive's name carries the modification
 * time of the environment's stamp files (`stamps`, absolute), so a rebuilt environment gets a new one; the JVM itself
 * ignores an archive that does not match its jars or version.
 */
export function classDataSharing(
  dir: string,
  stamps: readonly string[],
): { readonly option: string; readonly finish: (code: number) => void } {
  const built = Math.max(...stamps.map((stamp) => Math.floor(fs.statSync(stamp).mtimeMs)));
  const archive = path.join(dir, `classes-${built}.jsa`);
  if (fs.existsSync(archive)) return { option: `-XX:SharedArchiveFile=${archive}`, finish: () => undefined };
  const written = `${archive}.${process.pid}-${++archiveCount}.tmp`;
  return {
    option: `-XX:ArchiveClassesAtExit=${written}`,
    finish: (code) => {
      if (code === 0 && fs.existsSync(written)) {
        fs.renameSync(written, archive);
        // The archives of earlier builds of the environment (some 100 MB each).
        for (const old of fs.readdirSync(dir).filter((f) => /^classes-\d+\.jsa$/.test(f))) {
          if (old !== path.basename(archive)) fs.rmSync(path.join(dir, old), { force: true });
        }
      } else fs.rmSync(written, { force: true });
    },
  };
}

/** Runs a Java main class of the Arc environment with Spark properties as system properties (SparkConf reads them). */
function runJava(
  repoRoot: string,
  mainClass: string,
  args: readonly string[],
  sparkConf: Readonly<Record<string, string>>,
  scratchDir: string,
  logFile: string,
): Promise<JavaRun> {
  fs.mkdirSync(path.join(scratchDir, 'tmp'), { recursive: true });
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const classpath = arcClasspath(repoRoot);
  const home = path.join(repoRoot, ARC_CACHE);
  const sharing = classDataSharing(home, [path.join(home, 'stamp')]);
  const javaArgs = [
    '-Xmx2g',
    sharing.option,
    // These JVMs live a minute on small data: the optimizing compiler (C2) would spend more CPU compiling Spark's hot
    // paths than it saves (the Arc runs of make unit: 158 s of CPU with it, 89 s without). Only speed changes.
    '-XX:TieredStopAtLevel=1',
    ...ARC_JVM_OPTIONS,
    `-Dlog4j.configurationFile=${path.join(repoRoot, 'etl/local/arc/log4j2.properties')}`,
    `-Djava.io.tmpdir=${path.join(scratchDir, 'tmp')}`,
    `-Dderby.system.home=${scratchDir}`,
    '-Duser.timezone=UTC',
    ...Object.entries(sparkConf).map(([key, value]) => `-D${key}=${value}`),
    '-cp',
    classpath,
    mainClass,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    // cwd: Spark and Derby write relative files (spark-warehouse, metastore_db) into it; never the repository.
    const child = spawn('java', javaArgs, { cwd: scratchDir, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (error) =>
      reject(new Error(`cannot start java for Arc (${error.message}); is a JDK 17 on PATH?`)),
    );
    child.on('close', (code) => {
      const output = Buffer.concat(chunks).toString('utf8');
      fs.writeFileSync(logFile, output);
      sharing.finish(code ?? 1);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** One lint-only check: an id and Arc's command line (`--etl.config.uri=…`, `--ETL_CONF_…=…`). */
export interface ArcLintCase {
  readonly id: string;
  readonly args: readonly string[];
}

/** Arc's verdict on one case: accepted, or rejected with Arc's error text. */
export interface ArcLintVerdict {
  readonly ok: boolean;
  readonly errors: string;
  /** The stages Arc would run (those of the job's environment), each with Arc's details (name, type, inputURI, …). */
  readonly stages: readonly Readonly<Record<string, string>>[];
}

/**
 * Arc's own parser over many cases in one JVM (etl/local/arc/src/ArcLintBatch.scala calls the function ARC.main
 * calls with `--etl.config.lintOnly=true`). Fails when Arc did not answer for every case.
 */
export async function lintWithArc(
  repoRoot: string,
  cases: readonly ArcLintCase[],
  workDir: string,
): Promise<Map<string, ArcLintVerdict>> {
  fs.mkdirSync(workDir, { recursive: true });
  const input = path.join(workDir, 'cases.jsonl');
  fs.writeFileSync(input, cases.map((c) => JSON.stringify({ id: c.id, args: c.args })).join('\n') + '\n');
  const run = await runJava(
    repoRoot,
    LINT_BATCH_CLASS,
    [input],
    localArcSparkConf(workDir),
    workDir,
    path.join(workDir, 'arc-lint.log'),
  );
  const verdicts = new Map<string, ArcLintVerdict>();
  for (const line of run.output.split('\n')) {
    if (!line.startsWith('ARC-LINT ')) continue;
    const { id, ok, errors, stages } = JSON.parse(line.slice('ARC-LINT '.length)) as {
      id: string;
    } & ArcLintVerdict;
    verdicts.set(id, { ok, errors, stages });
  }
  const missing = cases.filter((c) => !verdicts.has(c.id)).map((c) => c.id);
  if (run.code !== 0 || missing.length > 0) {
    throw new Error(
      `Arc's lint batch exited ${run.code} without a verdict for ${missing.join(', ') || '(none)'}; ` +
        `see ${path.join(workDir, 'arc-lint.log')}:\n${run.output.split('\n').slice(-20).join('\n')}`,
    );
  }
  return verdicts;
}

/**
 * Runs SQL queries with Spark and Delta alone (not Arc; etl/local/arc/src/SqlQuery.scala) in one JVM, for the data
 * tests of the local runs. Returns each query's rows as objects.
 */
export async function querySql(
  repoRoot: string,
  queries: readonly string[],
  workDir: string,
): Promise<Record<string, unknown>[][]> {
  fs.mkdirSync(workDir, { recursive: true });
  const input = path.join(workDir, 'queries.sql');
  fs.writeFileSync(input, queries.map((q) => q.replace(/\s*\n\s*/g, ' ')).join('\n') + '\n');
  const run = await runJava(
    repoRoot,
    'sqletl.arc.query.SqlQuery',
    [input],
    localArcSparkConf(workDir),
    workDir,
    path.join(workDir, 'sql-query.log'),
  );
  if (run.code !== 0) {
    throw new Error(`the queries failed (exit ${run.code}); see ${path.join(workDir, 'sql-query.log')}`);
  }
  const results: Record<string, unknown>[][] = queries.map(() => []);
  for (const line of run.output.split('\n')) {
    const row = /^SQL-ROW (\d+) (.*)$/.exec(line);
    if (row !== null) results[Number(row[1])].push(JSON.parse(row[2]) as Record<string, unknown>);
  }
  return results;
}

/** An Arc JSON log event (Arc logs one JSON object per line after the logger prefix). */
type ArcEvent = Record<string, unknown>;

function arcEvents(output: string): ArcEvent[] {
  return output.split('\n').flatMap((line) => {
    const start = line.indexOf('{"event":');
    if (start < 0) return [];
    try {
      return [JSON.parse(line.slice(start)) as ArcEvent];
    } catch {
      return [];
    }
  });
}

/** The failing stage and Arc's reason, from its `exit` event, in one line. */
function failureText(events: readonly ArcEvent[], output: string): string {
  const exit = events.find((e) => e.event === 'exit' && e.status === 'failure');
  const reason = exit?.reason;
  if (Array.isArray(reason)) {
    // Parse errors: [{stageIndex, stage, lineNumber, errors: [{message}]}].
    return reason
      .map((r: { stage?: string; lineNumber?: number; errors?: { message?: string }[] }) => {
        const messages = (r.errors ?? []).map((e) => e.message).join('; ');
        return `stage '${r.stage}' (line ${r.lineNumber} of the job): ${messages}`;
      })
      .join(' | ');
  }
  const detail = reason ?? exit?.stage;
  if (detail !== null && typeof detail === 'object') {
    // Run-time errors: the stage detail with the exception's messages.
    const r = detail as { name?: string; type?: string; messages?: string[] };
    return `stage '${r.name ?? '?'}' (${r.type ?? '?'}): ${(r.messages ?? []).join(': ')}`;
  }
  const tail = output
    .split('\n')
    .filter((l) => /Exception|Error/.test(l))
    .slice(0, 3);
  return tail.length > 0 ? tail.join(' | ') : 'Arc exited without an exit event';
}

/**
 * What the local runner (etl/local/run.ts) hands to {@link runArcJob} for one `arc` job of a pipeline. The runner
 * has already computed the job's invocation with the same function the cluster uses (config/pipelines/invocation.ts)
 * over local values: runtime parameters point at the local warehouse, `asset:` parameters and the job file at
 * absolute paths under etl/, EPOCH and CURRENT_TIMESTAMP at the run's start.
 */
export interface ArcJobInput {
  /** The pipeline's name (`customer-scd2`). */
  readonly pipeline: string;
  /** The job's id in the pipeline (`initial-load`). */
  readonly jobId: string;
  /** Absolute path of the job's notebook or job file (`…/etl/jobs/customer-scd2/initial_load.ipynb`). */
  readonly jobFile: string;
  /** Arc's `--etl.config.environment` for this job (the job's `environment:`, else the environment's name). */
  readonly arcEnvironment: string;
  /**
   * The job's invocation over local values: `arguments` are Arc's command line in the cluster's order (config URI,
   * job id, environment, ignoreEnvironments, tags, `--ETL_CONF_*` parameters); `mainApplicationFile` and `mainClass`
   * are the local Arc jar and class (the runner passes placeholders until `make arc-env` defines them); `sparkConf`
   * is the job's own Spark properties (the caller adds local defaults under them).
   */
  readonly invocation: JobInvocation;
  /** Absolute path of the local warehouse (`.build/local/<env>/warehouse`); DATALAKE in the parameters points here. */
  readonly warehouseDir: string;
  /** Absolute path of a directory for this job's logs (created by the runner). */
  readonly logDir: string;
}

/** What {@link runArcJob} reports for a job that succeeded. */
export interface ArcJobResult {
  /** Rows written where Spark reports them (sum over the job's writes). @default - unknown */
  readonly rowsWritten?: number;
}

/** The repository root: etl/local/ is two levels below it. */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Arc reads `--etl.config.uri` through Hadoop: a local path becomes a file: URI. */
function localArguments(args: readonly string[]): string[] {
  return args.map((arg) => {
    const uri = /^--etl\.config\.uri=(\/.*)$/.exec(arg);
    return uri === null ? arg : `--etl.config.uri=file://${uri[1]}`;
  });
}

/**
 * Runs one Arc job locally with `ai.tripl.arc.ARC` (the cluster's main class and arguments), the job's sparkConf
 * over {@link localArcSparkConf}. Rejects with an Error naming the pipeline, the job, the failing stage and Arc's
 * reason; the full log is in `logDir`.
 */
export async function runArcJob(input: ArcJobInput): Promise<ArcJobResult> {
  const scratch = path.join(input.logDir, 'arc-scratch');
  const logFile = path.join(input.logDir, `${input.jobId}.arc.log`);
  const sparkConf = { ...localArcSparkConf(scratch), ...input.invocation.sparkConf };
  const run = await runJava(
    REPO_ROOT,
    ARC_MAIN_CLASS,
    localArguments(input.invocation.arguments),
    sparkConf,
    scratch,
    logFile,
  );
  const events = arcEvents(run.output);
  const success = events.some((e) => e.event === 'exit' && e.status === 'success');
  if (run.code !== 0 || !success) {
    throw new Error(
      `pipeline ${input.pipeline}: job '${input.jobId}' (${path.relative(REPO_ROOT, input.jobFile)}) failed on Arc: ` +
        `${failureText(events, run.output)} (log: ${path.relative(REPO_ROOT, logFile)})`,
    );
  }
  const rows = events
    .filter((e) => e.event === 'exit' && typeof e.stage === 'object' && e.stage !== null)
    .map((e) => (e.stage as { numOutputRows?: unknown }).numOutputRows)
    .filter((n): n is number => typeof n === 'number');
  return rows.length > 0 ? { rowsWritten: rows.reduce((a, b) => a + b, 0) } : {};
}
