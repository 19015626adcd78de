import { describe, expect, test } from 'vitest';
import {
  roleArn,
  secretName,
  WORKLOADS,
  restrictedContainerSecurityContext,
  OIDC_CLIENT_SECRETS,
  syncedSecretSource,
} from '../../../config';
import { DEV, PROD } from '../../testing';
import { WEB_UIS } from '../../stacks/edge-stack';
import { ARGO_SSO_CALLBACK_PATH, argoWorkflowsValues } from './argo-workflows';
import { fluentBitValues, SPARK_LOG_KEY_FORMAT } from './aws-for-fluent-bit';
import { highAvailability, IRSA_ANNOTATION, replicasFor, serviceAccountValues, toValuesYaml } from './common';
import { JUPYTERHUB_CALLBACK_PATH, NOTEBOOK_PROFILES, profileDisplayName } from './jupyterhub';
import { SPARK_OPERATOR_WORKERS } from './spark-operator';
import { readCachedUpstream } from '../../../verify';

describe('helm values', () => {
  describe('Argo Workflows SSO (the k8s layer binds its RBAC rules to what these configure)', () => {
    const values = argoWorkflowsValues(DEV, { issuerUrl: 'https://issuer', uiUrl: 'https://argo' });

    test('the Argo server delegates SSO RBAC to the shared job namespace and every team namespace', () => {
      expect(values.server.extraEnv).toContainEqual({
        name: 'SSO_DELEGATE_RBAC_TO_NAMESPACE',
        value: 'true',
      });
      expect(values.controller.workflowNamespaces).toEqual([
        'spark-jobs',
        'team-data-platform',
        'team-analytics',
      ]);
    });

    test('SSO RBAC is on and reads the Cognito groups claim; the server does not run as an SSO account', () => {
      expect(values.server.sso).toMatchObject({
        rbac: { enabled: true },
        customGroupClaimName: 'cognito:groups',
      });
      expect(values.server.serviceAccount.name).not.toMatch(/^argo-(admin|engineer|viewer)$/);
    });
  });

  test('YAML is deterministic: keys sorted at every level, no folding', () => {
    const long = 'x'.repeat(200);
    expect(toValuesYaml({ b: 1, a: { d: [{ z: 1, y: 2 }], c: long } })).toBe(
      `a:\n  c: ${long}\n  d:\n    - y: 2\n      z: 1\nb: 1\n`,
    );
  });

  test('IRSA service accounts carry the role ARN from config; Pod Identity ones carry nothing', () => {
    expect(serviceAccountValues(DEV, WORKLOADS.jupyterSingleUser)).toEqual({
      create: true,
      name: 'jupyter-singleuser',
      annotations: { [IRSA_ANNOTATION]: roleArn(DEV, 'jupyter-singleuser') },
    });
    expect(serviceAccountValues(DEV, WORKLOADS.karpenter)).toEqual({
      create: true,
      name: 'karpenter',
      annotations: {},
    });
  });

  test('high availability follows the number of availability zones', () => {
    expect([highAvailability(DEV), replicasFor(DEV)]).toEqual([false, 1]);
    expect([highAvailability(PROD), replicasFor(PROD)]).toEqual([true, 2]);
  });

  test('restricted container context cannot be loosened by the extras it accepts', () => {
    expect(restrictedContainerSecurityContext({ readOnlyRootFilesystem: true, runAsUser: 1000 })).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('OIDC Secrets are synced from the Secrets Manager secrets the edge stack writes', () => {
    expect(syncedSecretSource(DEV, OIDC_CLIENT_SECRETS.argo)).toBe(secretName(DEV, 'oidc/argo'));
    expect(syncedSecretSource(DEV, OIDC_CLIENT_SECRETS.jupyterhub)).toBe(secretName(DEV, 'oidc/jupyterhub'));
    expect(OIDC_CLIENT_SECRETS.argo.keys).toEqual({
      'client-id': 'client_id',
      'client-secret': 'client_secret',
    });
  });

  test('callback paths equal the ones the edge stack registers with Cognito', () => {
    expect(WEB_UIS.find((ui) => ui.name === 'argo')?.callbackPath).toBe(ARGO_SSO_CALLBACK_PATH);
    expect(WEB_UIS.find((ui) => ui.name === 'jupyterhub')?.callbackPath).toBe(JUPYTERHUB_CALLBACK_PATH);
  });

  test('profile display names state the resources they get', () => {
    expect(NOTEBOOK_PROFILES.map(profileDisplayName)).toEqual([
      'Arc (Spark 3.3) — 2 CPU, 8 GiB RAM',
      'PySpark (Spark 4) — 4 CPU, 16 GiB RAM',
    ]);
  });

  test('Fluent Bit re-tags Spark driver and executor logs and keys them under spark-logs/ by day', () => {
    const values = fluentBitValues(DEV);
    expect(values.additionalFilters).toBe(
      '[FILTER]\n' +
        '    Name rewrite_tag\n' +
        '    Match kube.*\n' +
        "    Rule $kubernetes['container_name'] ^(spark-kubernetes-driver|spark-kubernetes-executor)$ spark.$TAG false\n" +
        '    Emitter_Name spark_logs\n',
    );
    expect(SPARK_LOG_KEY_FORMAT).toMatch(/^\/spark-logs\/%Y\/%m\/%d\//);
    // Terraform reads every string of the JSON as a template: a literal `${` would be interpolated.
    expect(JSON.stringify(values)).not.toContain('${');
  });

  test('Fluent Bit authenticates through Pod Identity: the pinned image has it, and only its C outputs are used', () => {
    // EKS Pod Identity reached aws-for-fluent-bit in 2.32.5 (aws/aws-for-fluent-bit#888, upstream
    // fluent/fluent-bit#10114, in Fluent Bit 4.x); chart 0.2.0 ships aws-for-fluent-bit 3.2.1 (Fluent Bit 4.2.2).
    // The legacy Go outputs (cloudWatch, firehose, kinesis) carry their own AWS SDK; the kit keeps them off.
    const versions = JSON.parse(readCachedUpstream('versions.json')) as {
      charts: Record<string, { version: string; appVersion: string }>;
    };
    const pinned = versions.charts['aws-for-fluent-bit'];
    const [major, minor, patch] = pinned.appVersion.split('.').map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(2 * 1e6 + 32 * 1e3 + 5);
    expect(WORKLOADS.fluentBit.mechanism).toBe('podIdentity');
    const values = fluentBitValues(DEV) as unknown as Record<string, { enabled?: boolean } | undefined>;
    for (const goPlugin of ['cloudWatch', 'firehose', 'kinesis'])
      expect(values[goPlugin]?.enabled).not.toBe(true);
    expect(values.cloudWatchLogs?.enabled).toBe(true);
  });

  test('Spark Operator workers cover 100 applications a minute with ≈ 6 s submissions, twice over', () => {
    const inFlight = (100 / 60) * 6;
    expect(SPARK_OPERATOR_WORKERS).toBeGreaterThanOrEqual(2 * inFlight);
  });
});
