/**
 * The validated, defaulted form of a pipeline definition (etl/pipelines/<name>.yaml). The loader in this folder turns
 * YAML into these types; both layers consume them (infra uploads the job files, k8s renders the workflows).
 */

/** How a job runs. */
export type Runtime = 'arc' | 'sql' | 'pyspark';

/** Named resource presets (the seed's sizes). */
export type SizePreset = 'small' | 'medium' | 'large' | 'local';

/** Driver and executor resources of one Spark application. */
export interface SparkResources {
  readonly driver: { readonly cores: number; readonly memory: string };
  readonly executor: {
    readonly cores: number;
    readonly memory: string;
    /** Dynamic allocation bounds; `min === max` disables scaling. */
    readonly minInstances: number;
    readonly maxInstances: number;
  };
  /** Ephemeral storage requested per executor for shuffle and spill (e.g. '50Gi'). */
  readonly localStorage: string;
}

/** A cron schedule. */
export interface Schedule {
  /** Five-field cron expression, validated with cron-parser. */
  readonly cron: string;
  /** IANA time zone, e.g. 'Europe/Berlin'. @default 'UTC' */
  readonly timezone: string;
  /** Seconds after the scheduled time a missed run may still start. @default 300 */
  readonly startingDeadlineSeconds: number;
}

/** One job of a pipeline: one Spark application. */
export interface JobSpec {
  /** Unique within the pipeline; DNS-label safe (used in Kubernetes names). */
  readonly id: string;
  readonly runtime: Runtime;
  /**
   * Files the job runs, relative to etl/jobs/. arc and pyspark: exactly one (.ipynb/.json/.conf for arc, .py for
   * pyspark); sql: one or more .sql files, run in order.
   */
  readonly files: readonly string[];
  /** The preset the resources came from, or 'custom' when given explicitly. */
  readonly size: SizePreset | 'custom';
  readonly resources: SparkResources;
  /** Spark configuration overrides (win over the kit's defaults). */
  readonly sparkConf: Readonly<Record<string, string>>;
  /** Arc `--etl.config.environment` (arc only). @default the environment's name */
  readonly arcEnvironment?: string;
  /**
   * Parameters: arc → `--ETL_CONF_<KEY>=value` (keys without the prefix are prefixed); sql → `${KEY}` substitution;
   * pyspark → `--KEY value` arguments. Pipeline parameters are merged under job parameters.
   */
  readonly parameters: Readonly<Record<string, string>>;
  /** Retries of the Argo task for infrastructure failures (exponential backoff). @default 2 */
  readonly retries: number;
  /** Timeout of the job in seconds. @default 7200 */
  readonly timeoutSeconds: number;
  /** Ids of jobs that must succeed first. */
  readonly dependsOn: readonly string[];
}

/** A pipeline: a DAG of jobs, optionally on a schedule. */
export interface PipelineSpec {
  /** The YAML file, relative to the repository root (for messages and docs). */
  readonly file: string;
  /** DNS-label safe name; the WorkflowTemplate's name. Equals the file's base name. */
  readonly name: string;
  readonly description: string;
  /** Owning team or person; becomes a tag and an Arc `--etl.config.tags` entry. */
  readonly owner: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly schedule?: Schedule;
  /** What a scheduled run does while the previous one still runs. @default 'Forbid' */
  readonly concurrencyPolicy: 'Allow' | 'Forbid' | 'Replace';
  /** Parameters every job receives (job parameters win). */
  readonly parameters: Readonly<Record<string, string>>;
  /** Jobs in the order written. */
  readonly jobs: readonly JobSpec[];
}
