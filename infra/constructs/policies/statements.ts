/** Building blocks of the workload policies: statements several workloads share. */
import { bucketArn, glueDatabaseName, S3_PREFIXES, type EnvironmentConfig } from '../../../config';
import type { PolicyStatement } from '../iam';
import {
  datalakeBucketArn,
  glueCatalogArn,
  glueDatabaseArn,
  glueTablesArn,
  athenaWorkgroupArn,
} from './arns';
import type { WorkloadPolicyContext } from './context';

/** The part of a prefix-scoped `s3:ListBucket` grant that keeps listing inside the prefix. */
export function prefixCondition(prefix: string): NonNullable<PolicyStatement['conditions']>[number] {
  return { test: 'StringLike', variable: 's3:prefix', values: [`${prefix}*`] };
}

/** KMS use of the project key, only when S3 (or another named service) calls KMS on the workload's behalf. */
export function kmsVia(
  sid: string,
  ctx: WorkloadPolicyContext,
  actions: readonly string[],
  service = 's3',
): PolicyStatement {
  return {
    sid,
    actions,
    resources: [ctx.keyArn],
    conditions: [
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: [`${service}.${ctx.env.region}.amazonaws.com`],
      },
    ],
  };
}

/** Reading content-addressed job files under `jobs/` of the assets bucket, and nothing else there. */
export function readJobAssets(env: EnvironmentConfig): PolicyStatement[] {
  const assets = bucketArn(env, 'assets');
  return [
    { sid: 'ReadJobAssets', actions: ['s3:GetObject'], resources: [`${assets}/${S3_PREFIXES.jobAssets}*`] },
    {
      sid: 'ListJobAssets',
      actions: ['s3:ListBucket'],
      resources: [assets],
      conditions: [prefixCondition(S3_PREFIXES.jobAssets)],
    },
  ];
}

/** Read and write the whole data lake bucket (tables, outputs, Spark event logs). */
function readWriteDatalake(env: EnvironmentConfig): PolicyStatement[] {
  const lake = datalakeBucketArn(env);
  return [
    {
      sid: 'ReadWriteDatalakeObjects',
      actions: [
        's3:GetObject',
        's3:PutObject',
        's3:DeleteObject',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
      ],
      resources: [`${lake}/*`],
    },
    {
      sid: 'ListDatalake',
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resources: [lake],
    },
  ];
}

/** Glue catalog reads: databases, tables and their versions, partitions. */
export const GLUE_READ_ACTIONS: readonly string[] = [
  'glue:GetDatabase',
  'glue:GetDatabases',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetTableVersion',
  'glue:GetTableVersions',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
];

/** Glue table and partition changes (never database changes: the data stack owns the databases). */
export const GLUE_WRITE_ACTIONS: readonly string[] = [
  'glue:CreateTable',
  'glue:UpdateTable',
  'glue:DeleteTable',
  'glue:BatchDeleteTable',
  'glue:CreatePartition',
  'glue:BatchCreatePartition',
  'glue:UpdatePartition',
  'glue:BatchUpdatePartition',
  'glue:DeletePartition',
  'glue:BatchDeletePartition',
];

/** Catalog reads and table/partition changes in the ETL database only. */
function glueEtlDatabase(env: EnvironmentConfig): PolicyStatement[] {
  const database = glueDatabaseName(env);
  return [
    {
      sid: 'ReadWriteEtlCatalog',
      actions: [...GLUE_READ_ACTIONS, ...GLUE_WRITE_ACTIONS],
      resources: [glueCatalogArn(env), glueDatabaseArn(env, database), glueTablesArn(env, database)],
    },
    // Spark's Glue catalog client looks up the `default` database when a session starts.
    {
      sid: 'LookUpDefaultDatabase',
      actions: ['glue:GetDatabase'],
      resources: [glueCatalogArn(env), glueDatabaseArn(env, 'default')],
    },
  ];
}

/** Queries in the environment's workgroup, with read/write on the results bucket. */
export function athenaQueries(env: EnvironmentConfig): PolicyStatement[] {
  const results = bucketArn(env, 'athena-results');
  return [
    {
      sid: 'RunAthenaQueries',
      actions: [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
        'athena:GetWorkGroup',
      ],
      resources: [athenaWorkgroupArn(env)],
    },
    {
      sid: 'ReadWriteAthenaResults',
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [`${results}/*`],
    },
    {
      sid: 'ListAthenaResults',
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resources: [results],
    },
  ];
}

/** Everything an ETL job (or a notebook user building one) does: data lake, catalog, Athena, job files. */
export function etlStatements(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const { env } = ctx;
  return [
    ...readJobAssets(env),
    ...readWriteDatalake(env),
    ...glueEtlDatabase(env),
    ...athenaQueries(env),
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}
