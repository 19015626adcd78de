import { S3_PREFIXES } from '../../../config';
import type { PolicyStatement } from '../iam';
import { datalakeBucketArn, logGroupStreamsArn } from './arns';
import type { WorkloadPolicyContext } from './context';
import { kmsVia } from './statements';

/** Log groups Fluent Bit writes to; the workloads stack creates them (Fluent Bit must not). */
export const FLUENT_BIT_LOG_GROUPS = ['containers', 'spark'] as const;

/** Fluent Bit: write container logs to CloudWatch and Spark logs to the data lake. */
export function fluentBit(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const { env } = ctx;
  return [
    {
      sid: 'WriteContainerLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: FLUENT_BIT_LOG_GROUPS.map((purpose) => logGroupStreamsArn(env, purpose)),
    },
    {
      sid: 'WriteSparkLogs',
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: [`${datalakeBucketArn(env)}/${S3_PREFIXES.sparkLogs}*`],
    },
    // Decrypt as well as GenerateDataKey: multipart uploads to an SSE-KMS bucket need both.
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}
