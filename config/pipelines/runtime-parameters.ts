import type { EnvironmentConfig } from '../environment';
import {
  S3_PREFIXES,
  athenaWorkgroupName,
  bucketName,
  datalakeBucketName,
  glueDatabaseName,
} from '../naming';
import { teamHomeDatabase, teamHomePrefix, type Team } from '../teams';

/**
 * Parameters the runtime supplies to every job, so jobs may use them without declaring them: arc receives them as
 * `--ETL_CONF_<NAME>=…`, sql as `${NAME}` substitutions, pyspark as `--NAME value` arguments.
 */
export const ENVIRONMENT_PARAMETERS = [
  'ENV',
  'DATALAKE',
  'DATALAKE_BUCKET',
  'GLUE_DATABASE',
  'ATHENA_WORKGROUP',
  'ATHENA_RESULTS',
  'SPARK_EVENT_LOGS',
] as const;

/** Parameters computed per run from the workflow's start time (the workflow fills them in, not the config). */
export const PER_RUN_PARAMETERS = ['EPOCH', 'CURRENT_TIMESTAMP'] as const;

/** Every parameter name the runtime supplies, in a fixed order. */
export const RUNTIME_PARAMETER_NAMES: readonly string[] = [...ENVIRONMENT_PARAMETERS, ...PER_RUN_PARAMETERS];

/** One of {@link ENVIRONMENT_PARAMETERS}. */
export type EnvironmentParameter = (typeof ENVIRONMENT_PARAMETERS)[number];

/** True when the runtime supplies `name` (with or without arc's `ETL_CONF_` prefix). */
export function isRuntimeParameter(name: string): boolean {
  const bare = name.startsWith('ETL_CONF_') ? name.slice('ETL_CONF_'.length) : name;
  return RUNTIME_PARAMETER_NAMES.includes(bare);
}

/**
 * The values of the environment-wide runtime parameters (the per-run ones, {@link PER_RUN_PARAMETERS}, come from
 * the workflow). Pure function of the config; both layers call it. With the pipeline's owning `team`, `DATALAKE` and
 * `GLUE_DATABASE` are the team's own (its first owned prefix and database: the only ones its role may write).
 */
export function runtimeParameters(
  env: Pick<EnvironmentConfig, 'name' | 'prefix' | 'account' | 'region' | 'data'>,
  team?: Pick<Team, 'owns'>,
): Record<EnvironmentParameter, string> {
  const datalake = datalakeBucketName(env);
  const home = team === undefined ? S3_PREFIXES.tables.replace(/\/$/, '') : teamHomePrefix(team);
  return {
    ENV: env.name,
    DATALAKE: `s3a://${datalake}/${home}`,
    DATALAKE_BUCKET: datalake,
    GLUE_DATABASE: team === undefined ? glueDatabaseName(env) : teamHomeDatabase(team),
    ATHENA_WORKGROUP: athenaWorkgroupName(env),
    ATHENA_RESULTS: `s3://${bucketName(env, 'athena-results')}/results/`,
    SPARK_EVENT_LOGS: `s3a://${datalake}/${S3_PREFIXES.sparkEventLogs}`,
  };
}

/**
 * The problem text for a `${NAME}` that nothing supplies, with a "did you mean" when `guess` is a close supplied
 * name: `uses ${NAME}<where>, which neither the pipeline, the job nor the runtime supplies; … add NAME: <value> …`.
 * The loader (SQL files, declared inputs and outputs) and data tests all say it this way.
 */
export function unsuppliedParameter(name: string, guess: string | undefined, where = ''): string {
  return (
    `uses \${${name}}${where}, which neither the pipeline, the job nor the runtime supplies; ` +
    `${guess === undefined ? '' : `did you mean \${${guess}}? Otherwise `}add ${name}: <value> under the job's or ` +
    "the pipeline's parameters"
  );
}
