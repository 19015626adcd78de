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
  /**
   * What the job reads and writes (resolved with the environment's values when the loader is given one); the loader
   * always sets it.
   * @default - nothing known (a spec built by hand)
   */
  readonly lineage?: JobLineage;
  /**
   * Data tests on what the job writes, run after it (config/pipelines/data-tests.ts builds their SQL).
   * @default - none
   */
  readonly tests?: readonly DataTest[];
}

/** The kinds of data test (the pipeline YAML's keys). */
export type DataTestKind =
  'not_null' | 'unique' | 'accepted_values' | 'row_count' | 'relationships' | 'freshness' | 'sql';

/**
 * One data test as the SQL runner runs it (`--test <json>`): a Spark SQL query whose rows are the failures. The query
 * keeps its `${NAME}` placeholders, which the runner fills in with the step's parameters, so the same test runs on the
 * cluster and locally.
 */
export interface DataTest {
  /** Unique within the job; what the logs call it. */
  readonly name: string;
  readonly kind: DataTestKind;
  /** The dataset tested, as the job addresses it (`${DATALAKE}/…`, `db.table`), for messages. */
  readonly dataset: string;
  /** What one returned row is ('rows with a NULL in id'), for messages. */
  readonly failing: string;
  /** The query returning the failing rows. */
  readonly sql: string;
}

/**
 * A dataset as a job addresses it: a path (`s3a://…`, with the format it is read or written as), a table of the Spark
 * session's catalog (`db.table`, stored under the warehouse directory), or a table of the Glue catalog (what Athena
 * queries). config/pipelines/lineage.ts turns an address into an OpenLineage dataset (namespace and name).
 */
export type DatasetAddress =
  | { readonly kind: 'path'; readonly uri: string; readonly format?: string }
  | { readonly kind: 'table'; readonly table: string; readonly format?: string }
  | { readonly kind: 'glue'; readonly database: string; readonly table: string };

/**
 * What a job reads and writes, derived from its SQL (sql jobs, Arc stages) and its `inputs:`/`outputs:` declarations
 * (the only source for pyspark jobs). Data tests attach to `outputs`.
 */
export interface JobLineage {
  /** Datasets the job reads that it did not write itself first, in order of first use. */
  readonly inputs: readonly DatasetAddress[];
  /** Datasets the job writes, in order of first write. */
  readonly outputs: readonly DatasetAddress[];
  /** True when `inputs:`/`outputs:` were declared in the job's YAML (added to what was derived). */
  readonly declared: boolean;
  /** Statements whose datasets only run time knows, not covered by a declaration (one line each, for `make synth`). */
  readonly warnings: readonly string[];
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
