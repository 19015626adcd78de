import { describe, expect, test } from 'vitest';
import { NAMESPACES, OIDC_CLIENT_SECRETS } from '../../config';
import { DEV, PROD, pick, synthChart, testApp } from '../testing';
import { ExternalSecretsChart } from './external-secrets-chart';

describe('ExternalSecretsChart', () => {
  const manifests = synthChart(new ExternalSecretsChart(testApp(), { env: DEV }));

  test('one ClusterSecretStore: Secrets Manager of the environment region, no static credentials', () => {
    const store = pick(manifests, 'ClusterSecretStore', 'aws-secrets-manager');
    expect(store.apiVersion).toBe('external-secrets.io/v1');
    expect(store.spec).toMatchObject({
      provider: { aws: { service: 'SecretsManager', region: 'us-east-1' } },
    });
    // No auth block: the operator uses its Pod Identity credentials, never an access key Secret.
    expect((store.spec as { provider: { aws: object } }).provider.aws).not.toHaveProperty('auth');
  });

  test('the store serves only the namespaces of the synced Secrets', () => {
    const store = pick(manifests, 'ClusterSecretStore', 'aws-secrets-manager');
    expect((store.spec as { conditions: unknown }).conditions).toEqual([
      { namespaces: [NAMESPACES.argo, NAMESPACES.jupyter] },
    ]);
  });

  test('argo-server-sso and jupyterhub-oidc are synced with the keys client-id and client-secret', () => {
    for (const [namespace, name, source] of [
      ['argo', 'argo-server-sso', 'sqletl/dev/oidc/argo'],
      ['jupyter', 'jupyterhub-oidc', 'sqletl/dev/oidc/jupyterhub'],
    ]) {
      const secret = pick(manifests, 'ExternalSecret', name);
      expect(secret.metadata).toMatchObject({ namespace });
      expect(secret.spec).toEqual({
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
        target: { name, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: [
          { secretKey: 'client-id', remoteRef: { key: source, property: 'client_id' } },
          { secretKey: 'client-secret', remoteRef: { key: source, property: 'client_secret' } },
        ],
      });
    }
    expect(manifests.filter((m) => m.kind === 'ExternalSecret')).toHaveLength(2);
  });

  test('syncs every Secret and key of the contract the Argo Workflows and JupyterHub values read (config/)', () => {
    // The values' side of the contract is infra's test; that the rendered values and these objects meet in one
    // namespace is verify's reference check over dist/.
    for (const secret of Object.values(OIDC_CLIENT_SECRETS)) {
      const synced = pick(manifests, 'ExternalSecret', secret.name);
      expect(synced.metadata.namespace).toBe(secret.namespace);
      expect((synced.spec as { data: { secretKey: string }[] }).data.map((d) => d.secretKey).sort()).toEqual(
        Object.keys(secret.keys).sort(),
      );
    }
  });

  test('names the secrets of each environment', () => {
    const prod = synthChart(new ExternalSecretsChart(testApp(), { env: PROD }));
    expect(JSON.stringify(prod)).toContain('sqletl/prod/oidc/argo');
    expect(JSON.stringify(prod)).not.toContain('sqletl/dev/');
  });
});
