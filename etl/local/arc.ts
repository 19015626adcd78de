import type { JobInvocation } from '../../config/pipelines/invocation';

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

/**
 * Runs one Arc job locally. Rejects with an Error naming the pipeline, the job and the failing stage when the job
 * fails. Until the Arc environment exists this always rejects, saying how to get it.
 */
export function runArcJob(input: ArcJobInput): Promise<ArcJobResult> {
  return Promise.reject(
    new Error(
      `pipeline ${input.pipeline}: job '${input.jobId}' (${input.jobFile}) runs on Arc; ` +
        'Arc jobs run locally once `make arc-env` exists',
    ),
  );
}
