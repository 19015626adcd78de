import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { at } from './model';
import { secretsConfigMapsCheck } from './secrets-config-maps';
import { copyDist, editJson, fixKnownGaps, lines, replaceText, runOn, setIn } from './testing';

const WORD_COUNT = 'k8s/dev/dev-pipelines/WorkflowTemplate.word-count.yaml';
/** Adds `imagePullSecrets: [registry-credentials]` to the SparkApplication a template embeds. */
const PULL_FROM = '            mainApplicationFile:';
const PULL_TO =
  '            imagePullSecrets:\n              - registry-credentials\n            mainApplicationFile:';

describe('secrets-config-maps', () => {
  test('every Secret and ConfigMap the committed dist/ reads is produced, the OIDC clients by ExternalSecrets', () => {
    const dist = copyDist();
    fixKnownGaps(dist);
    const result = runOn(secretsConfigMapsCheck, dist);
    expect(lines(result)).toEqual([]);
    expect(result.checked).toBeGreaterThanOrEqual(8);
  });

  test('fails on a SparkApplication reading a Secret nothing produces', () => {
    const dist = copyDist();
    fixKnownGaps(dist);
    replaceText(dist, WORD_COUNT, PULL_FROM, PULL_TO);
    expect(lines(runOn(secretsConfigMapsCheck, dist))).toEqual([
      expect.stringMatching(
        /^dist\/k8s\/dev\/dev-pipelines\/WorkflowTemplate\.word-count\.yaml {2}WorkflowTemplate\/team-analytics\/word-count templates\[\d\] SparkApplication\/team-analytics\/\S+ {2}spec\.imagePullSecrets\[0\]: Secret "team-analytics\/registry-credentials" is produced by no Secret manifest or ExternalSecret \(sync it from Secrets Manager\) of dist\/; Secrets in "team-analytics": argo-team-engineer\.service-account-token, argo-team-viewer\.service-account-token$/,
      ),
    ]);
  });

  test('fails on Helm values naming a Secret nothing produces (Argo Workflows SSO client)', () => {
    const dist = copyDist();
    fixKnownGaps(dist);
    editJson(dist, 'terraform/stacks/prod-platform/cdk.tf.json', (json) => {
      const values = ['resource', 'helm_release', 'argo_workflows', 'values'];
      const documents = at(json, values) as string[];
      setIn(
        json,
        values,
        documents.map((v) => v.replaceAll('name: argo-server-sso', 'name: argo-sso')),
      );
    });
    expect(lines(runOn(secretsConfigMapsCheck, dist))).toEqual(
      ['clientId', 'clientSecret'].map(
        (key) =>
          `dist/terraform/stacks/prod-platform/cdk.tf.json  helm_release.argo_workflows  values.server.sso.${key}.name: ` +
          'Secret "argo/argo-sso" is produced by no Secret manifest or ExternalSecret (sync it from Secrets Manager) ' +
          'of dist/; Secrets in "argo": argo-admin.service-account-token, argo-engineer.service-account-token, ' +
          'argo-server-sso, argo-team-login.service-account-token, argo-viewer.service-account-token',
      ),
    );
  });

  test('fails when the ExternalSecret of an OIDC client is gone: no exception list can stand in for it', () => {
    const dist = copyDist();
    fixKnownGaps(dist);
    const file = path.join(dist, 'k8s/dev/dev-external-secrets/ExternalSecret.jupyterhub-oidc.yaml');
    expect(fs.existsSync(file)).toBe(true);
    fs.rmSync(file);
    const found = lines(runOn(secretsConfigMapsCheck, dist));
    expect(found).toHaveLength(2);
    ['OAUTH_CLIENT_ID', 'OAUTH_CLIENT_SECRET'].forEach((variable, i) => {
      expect(found[i]).toContain(
        `values.hub.extraEnv.${variable}.valueFrom.secretKeyRef.name: Secret "jupyter/jupyterhub-oidc" is ` +
          'produced by no Secret manifest or ExternalSecret',
      );
    });
  });
});
