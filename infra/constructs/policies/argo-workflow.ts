import { bucketArn, S3_PREFIXES } from '../../../config';
import type { PolicyStatement } from '../iam';
import type { WorkloadPolicyContext } from './context';
import { prefixCondition, kmsVia } from './statements';

/** Argo workflow pods: read and write workflow artifacts (and archived logs). */
export function argoWorkflow(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const assets = bucketArn(ctx.env, 'assets');
  return [
    {
      sid: 'ReadWriteArgoArtifacts',
      // Delete: artifact garbage collection removes a finished workflow's artifacts.
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resources: [`${assets}/${S3_PREFIXES.argoArtifacts}*`],
    },
    {
      sid: 'ListArgoArtifacts',
      actions: ['s3:ListBucket'],
      resources: [assets],
      conditions: [prefixCondition(S3_PREFIXES.argoArtifacts)],
    },
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}
