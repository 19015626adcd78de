import type { JobSpec, PipelineSpec, Runtime } from './model';
import { TESTS_STEP_SUFFIX } from './limits';

/**
 * How one pipeline job is invoked: its main file, arguments, parameters and Spark properties. One function computes
 * it for both places a job runs, the cluster (k8s/constructs/spark-application.ts builds the SparkApplication from
 * it) and a developer's machine (etl/local/run.ts), so a job gets the same arguments in the same order in both; only
 * the values differ (S3 URIs and Argo's per-run variables on the cluster, local paths and the run's start locally).
 */

/** Repository path of the SQL runner the sql runtime's applications execute. */
export const SQL_RUNNER = 'etl/runners/sql_runner.py';

/** Arc's prefix of job parameters on its command line (`--ETL_CONF_NAME=value`). */
export const ARC_PARAMETER_PREFIX = 'ETL_CONF_';

/** Where the values of an invocation come from: the part that differs between the cluster and a local run. */
export interface InvocationValues {
  /**
   * The runtime parameters in the order jobs receive them: the per-run ones (EPOCH, CURRENT_TIMESTAMP) first, then
   * the environment's (ENV, DATALAKE, ...). Cluster: Argo variables and `runtimeParameters(env)`; local: the run's
   * start time and the local warehouse.
   */
  readonly runtime: Readonly<Record<string, string>>;
  /**
   * The URI (or path) a job reads a repository file under etl/ from, given its repository path (`etl/jobs/a.sql`).
   * Cluster: the uploaded asset's s3a URI; local: the absolute path of the file.
   */
  readonly fileUri: (repoPath: string) => string;
  /** Arc's `--etl.config.environment` when the job names none (the environment's name). */
  readonly defaultArcEnvironment: string;
  /**
   * Arc tags that identify the run, after `service` and `pipeline` and before the pipeline's owner and tags
   * (cluster: workflow uid, pod and namespace). @default []
   */
  readonly arcRunTags?: readonly (readonly [string, string])[];
  /** Arc's jar and main class (cluster: inside the arc-runtime image; local: the pinned local Arc env). */
  readonly arcApplication: { readonly jar: string; readonly mainClass: string };
}

/** A job's invocation: what a SparkApplication (or a local spark session) runs, with which arguments. */
export interface JobInvocation {
  /** The job's runtime. */
  readonly runtime: Runtime;
  /** The main file: the SQL runner (sql), the job's script (pyspark) or Arc's jar (arc). */
  readonly mainApplicationFile: string;
  /** The main class (arc only). */
  readonly mainClass?: string;
  /** The job's files as the runtime reads them (`fileUri` of `etl/jobs/<file>`), in order. */
  readonly files: readonly string[];
  /**
   * Every parameter the job receives, in order: the runtime ones, then the pipeline's and the job's (job wins),
   * with `asset:` values resolved through `fileUri`.
   */
  readonly parameters: readonly (readonly [string, string])[];
  /** The application arguments, in order. */
  readonly arguments: readonly string[];
  /** The job's own Spark properties (the caller merges them over its defaults; they win). */
  readonly sparkConf: Readonly<Record<string, string>>;
  /** Arc's `--etl.config.environment` (arc only). */
  readonly arcEnvironment?: string;
}

function where(pipeline: PipelineSpec, job: JobSpec): string {
  return `pipeline ${pipeline.file}: job '${job.id}'`;
}

function bareName(name: string): string {
  return name.startsWith(ARC_PARAMETER_PREFIX) ? name.slice(ARC_PARAMETER_PREFIX.length) : name;
}

/** Resolves `asset:<path under etl/>` parameter values through `fileUri`; other values pass through. */
function resolveParameter(values: InvocationValues, value: string): string {
  return value.startsWith('asset:') ? values.fileUri(`etl/${value.slice('asset:'.length)}`) : value;
}

/**
 * Every parameter a job receives, in order: the runtime's, then the pipeline's and the job's (job wins). Fails
 * when a pipeline or job parameter shadows a runtime parameter.
 */
export function invocationParameters(
  pipeline: PipelineSpec,
  job: JobSpec,
  values: InvocationValues,
): [string, string][] {
  const user = { ...pipeline.parameters, ...job.parameters };
  const shadowing = Object.keys(user).filter((name) => bareName(name) in values.runtime);
  if (shadowing.length > 0) {
    throw new Error(
      `${where(pipeline, job)}: parameter ${shadowing.join(', ')} shadows a parameter the runtime supplies ` +
        `(${Object.keys(values.runtime).join(', ')}); rename it`,
    );
  }
  return [
    ...Object.entries(values.runtime),
    ...Object.entries(user).map(([name, value]): [string, string] => [name, resolveParameter(values, value)]),
  ];
}

function arcTags(pipeline: PipelineSpec, job: JobSpec, values: InvocationValues): string {
  const tags: (readonly [string, string])[] = [
    ['service', 'sql-etl-on-eks'],
    ['pipeline', pipeline.name],
    ...(values.arcRunTags ?? []),
    ['owner', pipeline.owner],
    ...Object.entries(pipeline.tags),
  ];
  // Arc splits --etl.config.tags on spaces and each tag on its first '='.
  const bad = tags.filter(([k, v]) => /\s/.test(k) || /\s/.test(v) || k.includes('='));
  if (bad.length > 0) {
    throw new Error(
      `${where(pipeline, job)}: Arc tags cannot contain spaces (or '=' in the key): ` +
        bad.map(([k, v]) => `${k}=${v}`).join(', '),
    );
  }
  return tags.map(([k, v]) => `${k}=${v}`).join(' ');
}

/**
 * The invocation of one job: main file, arguments (per runtime), parameters and the job's sparkConf. Fails with the
 * pipeline file and job id when the job cannot be invoked (file count, shadowed runtime parameter, Arc tags).
 */
export function jobInvocation(pipeline: PipelineSpec, job: JobSpec, values: InvocationValues): JobInvocation {
  if (job.files.length === 0 || (job.runtime !== 'sql' && job.files.length !== 1)) {
    throw new Error(
      `${where(pipeline, job)}: runtime ${job.runtime} runs exactly ${job.runtime === 'sql' ? 'one or more files' : 'one file'}, ` +
        `got ${job.files.length}`,
    );
  }
  const parameters = invocationParameters(pipeline, job, values);
  const files = job.files.map((file) => values.fileUri(`etl/jobs/${file}`));
  const common = { runtime: job.runtime, files, parameters, sparkConf: { ...job.sparkConf } };
  switch (job.runtime) {
    case 'arc': {
      const arcEnvironment = job.arcEnvironment ?? values.defaultArcEnvironment;
      return {
        ...common,
        mainApplicationFile: values.arcApplication.jar,
        mainClass: values.arcApplication.mainClass,
        arcEnvironment,
        arguments: [
          `--etl.config.uri=${files[0]}`,
          `--etl.config.job.id=${pipeline.name}-${job.id}`,
          `--etl.config.environment=${arcEnvironment}`,
          '--etl.config.ignoreEnvironments=false',
          `--etl.config.tags=${arcTags(pipeline, job, values)}`,
          ...parameters.map(
            ([name, value]) =>
              `--${name.startsWith(ARC_PARAMETER_PREFIX) ? name : ARC_PARAMETER_PREFIX + name}=${value}`,
          ),
        ],
      };
    }
    case 'sql':
      return {
        ...common,
        mainApplicationFile: values.fileUri(SQL_RUNNER),
        arguments: [
          ...files.flatMap((uri) => ['--sql', uri]),
          ...parameters.flatMap(([name, value]) => ['--param', `${name}=${value}`]),
        ],
      };
    case 'pyspark':
      return {
        ...common,
        mainApplicationFile: files[0],
        arguments: parameters.flatMap(([name, value]) => [`--${name}`, value]),
      };
  }
}

/** The test step's id for a job with data tests: `<job id>-tests` (its Argo task and SparkApplication). */
export function testsStepId(job: Pick<JobSpec, 'id'>): string {
  return `${job.id}${TESTS_STEP_SUFFIX}`;
}

/**
 * The step a job's dependents wait for: its tests step when it has data tests (a job never reads what a failing test
 * rejected), else the job itself. The WorkflowTemplate's DAG and the pipeline diagram both draw this edge.
 */
export function gateStepId(job: Pick<JobSpec, 'id' | 'tests'>): string {
  return (job.tests ?? []).length > 0 ? testsStepId(job) : job.id;
}

/**
 * The invocation of a job's data tests: the SQL runner with one `--test <json>` per test (name, dataset, what a
 * failing row is, the query) and the job's parameters, so `${NAME}` in a test means what it means in the job. Runs
 * after the job, on the cluster as its own SparkApplication and locally in the same driver (etl/local/run.ts).
 */
export function testsInvocation(
  pipeline: PipelineSpec,
  job: JobSpec,
  values: InvocationValues,
): JobInvocation {
  const tests = job.tests ?? [];
  if (tests.length === 0) throw new Error(`${where(pipeline, job)}: has no data tests`);
  const parameters = invocationParameters(pipeline, job, values);
  return {
    runtime: 'sql',
    files: [],
    parameters,
    sparkConf: { ...job.sparkConf },
    mainApplicationFile: values.fileUri(SQL_RUNNER),
    arguments: [
      ...tests.flatMap((test) => [
        '--test',
        JSON.stringify({ name: test.name, dataset: test.dataset, failing: test.failing, sql: test.sql }),
      ]),
      ...parameters.flatMap(([name, value]) => ['--param', `${name}=${value}`]),
    ],
  };
}
