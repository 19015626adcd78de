import { bucketArn, S3_PREFIXES } from '../../../config';
import type { PolicyStatement } from '../iam';
import type { WorkloadPolicyContext } from './context';
import { prefixCondition, kmsVia } from './statements';

/** The Argo server: read workflow artifacts, for the UI. */
export function argoServer(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const assets = bucketArn(ctx.env, 'assets');
  return [
    {
      sid: 'ReadArgoArtifacts',
      actions: ['s3:GetObject'],
      resources: [`${assets}/${S3_PREFIXES.argoArtifacts}*`],
    },
    {
      sid: 'ListArgoArtifacts',
      actions: ['s3:ListBucket'],
      resources: [assets],
      conditions: [prefixCondition(S3_PREFIXES.argoArtifacts)],
    },
    kmsVia('DecryptThroughS3', ctx, ['kms:Decrypt']),
  ];
}
