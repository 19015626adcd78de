/** ARNs computed from config that the workload policies grant on (candidates for config/naming.ts). */
import {
  athenaWorkgroupName,
  datalakeBucketName,
  logGroupName,
  partition,
  regionalArn,
  type EnvironmentConfig,
} from '../../../config';

/** `arn:<partition>:s3:::<bucket>` for any bucket name, including a user's existing one. */
function s3BucketArnOf(env: EnvironmentConfig, bucket: string): string {
  return `arn:${partition(env)}:s3:::${bucket}`;
}

/** ARN of the data lake bucket: the configured existing bucket, or the kit's. */
export function datalakeBucketArn(env: EnvironmentConfig): string {
  return s3BucketArnOf(env, datalakeBucketName(env));
}

/** The account's Glue Data Catalog in the environment's region. */
export function glueCatalogArn(env: EnvironmentConfig): string {
  return regionalArn(env, 'glue', 'catalog');
}

/** A Glue database. */
export function glueDatabaseArn(env: EnvironmentConfig, database: string): string {
  return regionalArn(env, 'glue', `database/${database}`);
}

/** Every table of a Glue database. */
export function glueTablesArn(env: EnvironmentConfig, database: string): string {
  return regionalArn(env, 'glue', `table/${database}/*`);
}

/** The environment's Athena workgroup. */
export function athenaWorkgroupArn(env: EnvironmentConfig): string {
  return regionalArn(env, 'athena', `workgroup/${athenaWorkgroupName(env)}`);
}

/** A log group and its streams (the `:*` form IAM documents for log-group resources). */
export function logGroupStreamsArn(env: EnvironmentConfig, purpose: string): string {
  return regionalArn(env, 'logs', `log-group:${logGroupName(env, purpose)}:*`);
}
