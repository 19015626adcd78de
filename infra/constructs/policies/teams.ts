/** Teams: each team's roles reach its own prefixes and databases read-write and the ones it reads read-only. */
import {
  bucketArn,
  S3_PREFIXES,
  teamNamespace,
  type EnvironmentConfig,
  type Team,
  type TeamWorkloads,
} from '../../../config';
import type { PolicyStatement } from '../iam';
import { datalakeBucketArn, glueCatalogArn, glueDatabaseArn, glueTablesArn } from './arns';
import type { WorkloadPolicyContext } from './context';
import {
  GLUE_READ_ACTIONS,
  GLUE_WRITE_ACTIONS,
  prefixCondition,
  kmsVia,
  readJobAssets,
  athenaQueries,
} from './statements';

/** The database ARNs and their tables' ARNs. */
function glueResources(env: EnvironmentConfig, databases: readonly string[]): string[] {
  return databases.flatMap((db) => [glueDatabaseArn(env, db), glueTablesArn(env, db)]);
}

/**
 * The data statements of a team role. `write`: read-write on the owned prefixes and databases (jobs, engineers'
 * notebooks); otherwise everything read-only (members' notebooks). Listing is confined to the prefixes the role may
 * read; Spark's event logs (a platform prefix the History Server reads) are written by every job.
 */
function teamData(ctx: WorkloadPolicyContext, team: Team, write: boolean): PolicyStatement[] {
  const { env } = ctx;
  const lake = datalakeBucketArn(env);
  const owned = team.owns.prefixes;
  const read = team.reads.prefixes.filter((prefix) => !owned.includes(prefix));
  const eventLogDir = S3_PREFIXES.sparkEventLogs.replace(/\/$/, '');
  const statements: PolicyStatement[] = [];
  if (write) {
    statements.push({
      sid: 'ReadWriteOwnPrefixes',
      actions: [
        's3:GetObject',
        's3:PutObject',
        's3:DeleteObject',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
      ],
      resources: owned.map((prefix) => `${lake}/${prefix}*`),
    });
  }
  const readOnly = write ? read : [...owned, ...read];
  if (readOnly.length > 0) {
    statements.push({
      sid: write ? 'ReadSharedPrefixes' : 'ReadTeamPrefixes',
      actions: ['s3:GetObject'],
      resources: readOnly.map((prefix) => `${lake}/${prefix}*`),
    });
  }
  if (write) {
    // S3A stats the event-log directory (the key without the slash, then the prefix) before writing a job's log.
    statements.push({
      sid: 'WriteSparkEventLogs',
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      resources: [`${lake}/${eventLogDir}`, `${lake}/${S3_PREFIXES.sparkEventLogs}*`],
    });
  }
  statements.push(
    {
      sid: 'ListTeamPrefixes',
      actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
      resources: [lake],
      conditions: [
        {
          test: 'StringLike',
          variable: 's3:prefix',
          values: [
            ...[...owned, ...read].map((prefix) => `${prefix}*`),
            ...(write ? [eventLogDir, `${S3_PREFIXES.sparkEventLogs}*`] : []),
          ],
        },
      ],
    },
    // GetBucketLocation has no prefix; S3A calls it once per bucket.
    { sid: 'LocateDatalake', actions: ['s3:GetBucketLocation'], resources: [lake] },
  );
  const ownedDbs = team.owns.databases;
  const readDbs = team.reads.databases.filter((db) => !ownedDbs.includes(db));
  statements.push({
    sid: write ? 'ReadWriteOwnDatabases' : 'ReadTeamDatabases',
    actions: write ? [...GLUE_READ_ACTIONS, ...GLUE_WRITE_ACTIONS] : GLUE_READ_ACTIONS,
    resources: [glueCatalogArn(env), ...glueResources(env, write ? ownedDbs : [...ownedDbs, ...readDbs])],
  });
  if (write && readDbs.length > 0) {
    statements.push({
      sid: 'ReadSharedDatabases',
      actions: GLUE_READ_ACTIONS,
      resources: [glueCatalogArn(env), ...glueResources(env, readDbs)],
    });
  }
  statements.push({
    sid: 'LookUpDefaultDatabase',
    actions: ['glue:GetDatabase'],
    resources: [glueCatalogArn(env), glueDatabaseArn(env, 'default')],
  });
  return statements;
}

/** What a team's Spark jobs (and its engineers' notebooks) may do. */
function teamEtl(ctx: WorkloadPolicyContext, team: Team): PolicyStatement[] {
  return [
    ...readJobAssets(ctx.env),
    ...teamData(ctx, team, true),
    ...athenaQueries(ctx.env),
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}

/** A team's workflow pods: artifacts and archived logs of their own namespace only (Argo's key format). */
function teamArgoWorkflow(ctx: WorkloadPolicyContext, team: Team): PolicyStatement[] {
  const assets = bucketArn(ctx.env, 'assets');
  const prefix = `${S3_PREFIXES.argoArtifacts}${teamNamespace(team)}/`;
  return [
    {
      sid: 'ReadWriteArgoArtifacts',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resources: [`${assets}/${prefix}*`],
    },
    {
      sid: 'ListArgoArtifacts',
      actions: ['s3:ListBucket'],
      resources: [assets],
      conditions: [prefixCondition(prefix)],
    },
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}

/** The statements of each of a team's roles, by identity. */
export const TEAM_POLICIES: Readonly<
  Record<keyof TeamWorkloads, (ctx: WorkloadPolicyContext, team: Team) => PolicyStatement[]>
> = {
  sparkJobRunner: teamEtl,
  argoWorkflow: teamArgoWorkflow,
  notebook: teamEtl,
  // Members: read the team's and the shared data, query with Athena (results bucket), change nothing.
  notebookReadOnly: (ctx, team) => [
    ...readJobAssets(ctx.env),
    ...teamData(ctx, team, false),
    ...athenaQueries(ctx.env),
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ],
};
