import { glueDatabaseName } from '../../../config';
import type { PolicyStatement } from '../iam';
import { datalakeBucketArn, glueCatalogArn, glueDatabaseArn, glueTablesArn } from './arns';
import type { WorkloadPolicyContext } from './context';
import { GLUE_READ_ACTIONS, kmsVia, readJobAssets, athenaQueries } from './statements';

/**
 * Notebook users of the viewer group: read the data lake, the job files and the ETL catalog, and run Athena queries
 * (results go to the results bucket). No object write or delete in the lake and no catalog change, so neither Spark
 * nor an Athena CTAS can alter a table.
 */
export function jupyterReadOnly(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const { env } = ctx;
  const lake = datalakeBucketArn(env);
  const database = glueDatabaseName(env);
  return [
    ...readJobAssets(env),
    { sid: 'ReadDatalakeObjects', actions: ['s3:GetObject'], resources: [`${lake}/*`] },
    { sid: 'ListDatalake', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [lake] },
    {
      sid: 'ReadEtlCatalog',
      actions: GLUE_READ_ACTIONS,
      resources: [glueCatalogArn(env), glueDatabaseArn(env, database), glueTablesArn(env, database)],
    },
    {
      sid: 'LookUpDefaultDatabase',
      actions: ['glue:GetDatabase'],
      resources: [glueCatalogArn(env), glueDatabaseArn(env, 'default')],
    },
    ...athenaQueries(env),
    // GenerateDataKey only for the Athena results it writes; the lake policy grants no PutObject.
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}
