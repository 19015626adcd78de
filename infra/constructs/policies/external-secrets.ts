import { secretArnPattern, SYNCED_SECRETS } from '../../../config';
import type { PolicyStatement } from '../iam';
import type { WorkloadPolicyContext } from './context';
import { kmsVia } from './statements';

/**
 * External Secrets Operator: read exactly the secrets the k8s layer's ExternalSecrets sync (config/naming.ts
 * SYNCED_SECRETS), nothing else under the environment's prefix; decrypt with the project key only when Secrets
 * Manager asks on its behalf. GetSecretValue and DescribeSecret are all its AWS provider calls for a sync.
 */
export function externalSecrets(ctx: WorkloadPolicyContext): PolicyStatement[] {
  return [
    {
      sid: 'ReadSyncedSecrets',
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: SYNCED_SECRETS.map((secret) => secretArnPattern(ctx.env, secret.source)),
    },
    kmsVia('DecryptThroughSecretsManager', ctx, ['kms:Decrypt'], 'secretsmanager'),
  ];
}
