import { S3_PREFIXES } from '../../../config';
import type { PolicyStatement } from '../iam';
import { datalakeBucketArn } from './arns';
import type { WorkloadPolicyContext } from './context';
import { kmsVia } from './statements';

/** The Spark History Server: read the Spark event logs. */
export function sparkHistoryServer(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const lake = datalakeBucketArn(ctx.env);
  // S3A's getFileStatus of the log directory first HEADs the key without the trailing slash (a 403 there fails the
  // History Server's start instead of meaning "no such file"), then the marker, then lists the prefix.
  const directory = S3_PREFIXES.sparkEventLogs.replace(/\/$/, '');
  return [
    {
      sid: 'ReadSparkEventLogs',
      actions: ['s3:GetObject'],
      resources: [`${lake}/${directory}`, `${lake}/${S3_PREFIXES.sparkEventLogs}*`],
    },
    {
      sid: 'ListSparkEventLogs',
      actions: ['s3:ListBucket'],
      resources: [lake],
      conditions: [
        { test: 'StringLike', variable: 's3:prefix', values: [directory, `${S3_PREFIXES.sparkEventLogs}*`] },
      ],
    },
    kmsVia('DecryptThroughS3', ctx, ['kms:Decrypt']),
  ];
}
