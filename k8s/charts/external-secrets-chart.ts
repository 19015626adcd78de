import type { Construct } from 'constructs';
import {
  ClusterSecretStore,
  ClusterSecretStoreSpecProviderAwsService,
} from '../../imports/cluster-secret-store-external-secrets.io';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from '../../imports/external-secret-external-secrets.io';
import { SECRETS_MANAGER_STORE, SYNCED_SECRETS, syncedSecretSource, type SyncedSecret } from '../../config';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';

/** How often the operator re-reads a secret: a rotated OIDC client secret reaches the UIs within this time. */
export const SECRET_REFRESH_INTERVAL = '1h';

/**
 * The Secrets the platform's charts read, synced from Secrets Manager by the External Secrets Operator (installed by
 * the platform stack, with its own Pod Identity role that may read exactly these secrets): one ClusterSecretStore for
 * Secrets Manager in the environment's region, usable only from the namespaces of the synced Secrets, and one
 * ExternalSecret per Secret of config/naming.ts SYNCED_SECRETS.
 */
export class ExternalSecretsChart extends EnvironmentChart {
  constructor(scope: Construct, props: EnvironmentChartProps) {
    super(scope, 'external-secrets', props);
    const { env } = props;
    new ClusterSecretStore(this, 'Store', {
      metadata: { name: SECRETS_MANAGER_STORE },
      spec: {
        provider: {
          // No `auth`: the operator's AWS SDK takes the Pod Identity credentials of its own service account, so no
          // access key or token Secret exists anywhere.
          aws: { service: ClusterSecretStoreSpecProviderAwsService.SECRETS_MANAGER, region: env.region },
        },
        // A cluster-wide store would let any namespace's ExternalSecret read what the operator's role reads.
        conditions: [{ namespaces: [...new Set(SYNCED_SECRETS.map((s) => s.namespace))].sort() }],
      },
    });
    for (const secret of SYNCED_SECRETS) this.sync(secret);
  }

  private sync(secret: SyncedSecret): void {
    const source = syncedSecretSource(this.env, secret);
    new ExternalSecret(this, `${secret.namespace}-${secret.name}`, {
      metadata: { name: secret.name, namespace: secret.namespace },
      spec: {
        refreshInterval: SECRET_REFRESH_INTERVAL,
        secretStoreRef: {
          kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
          name: SECRETS_MANAGER_STORE,
        },
        target: {
          name: secret.name,
          // The operator owns the Secret: it is deleted with the ExternalSecret, and an edit by hand is reverted.
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          // A secret deleted in Secrets Manager keeps the last synced value, so a running UI keeps signing users in.
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        },
        data: Object.entries(secret.keys).map(([key, property]) => ({
          secretKey: key,
          remoteRef: { key: source, property },
        })),
      },
    });
  }
}
