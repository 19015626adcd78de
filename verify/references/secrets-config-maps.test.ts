import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { at } from './model';
import {
  createSecretsConfigMapsCheck,
  EXTERNAL_SECRETS_FILE,
  secretsConfigMapsCheck,
} from './secrets-config-maps';
import { copyDist, editJson, fixKnownGaps, lines, replaceText, runOn, setIn } from './testing';

const WORD_COUNT = 'k8s/dev/dev-pipelines/WorkflowTemplate.word-count.yaml';
/** Adds `imagePullSecrets: [registry-credentials]` to the SparkApplication a template embeds. */
const PULL_FROM = '            mainApplicationFile:';
const PULL_TO =
  '            imagePullSecrets:\n              - registry-credentials\n            mainApplicationFile:';

/** An allow-list file next to a copied dist/. */
function allowList(dist: string, text: string): string {
  const file = path.join(path.dirname(dist), 'external-secrets.yaml');
  fs.writeFileSync(file, text);
  return file;
}

describe('secrets-config-maps', () => {
  // The committed dist/ names the OIDC client Secrets in the Argo Workflows and JupyterHub values but renders no
  // ExternalSecret for them yet (reported); the fixed copy adds the two ExternalSecrets per environment.
  test('every Secret and ConfigMap the (fixed) committed dist/ reads is produced', () => {
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
        /^dist\/k8s\/dev\/dev-pipelines\/WorkflowTemplate\.word-count\.yaml {2}WorkflowTemplate\/spark-jobs\/word-count templates\[\d\] SparkApplication\/spark-jobs\/\S+ {2}spec\.imagePullSecrets\[0\]: Secret "spark-jobs\/registry-credentials" is produced by no Secret manifest, ExternalSecret or entry of .*external-secrets\.yaml; Secrets in "spark-jobs": \(none\)$/,
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
          `Secret "argo/argo-sso" is produced by no Secret manifest, ExternalSecret or entry of ` +
          `${path.relative(path.dirname(dist), EXTERNAL_SECRETS_FILE).split(path.sep).join('/')}; Secrets in "argo": ` +
          'argo-admin.service-account-token, argo-engineer.service-account-token, argo-viewer.service-account-token',
      ),
    );
  });

  test('accepts allow-listed Secrets, and reports entries without a reason and stale entries', () => {
    const dist = copyDist();
    fixKnownGaps(dist);
    for (const env of ['dev', 'prod']) {
      replaceText(dist, `k8s/${env}/${env}-pipelines/WorkflowTemplate.word-count.yaml`, PULL_FROM, PULL_TO);
    }
    const file = allowList(
      dist,
      [
        'objects:',
        '  - { kind: Secret, namespace: spark-jobs, name: registry-credentials, env: dev, reason: created by hand in dev }',
        '  - { kind: Secret, namespace: spark-jobs, name: registry-credentials }',
        '  - { kind: ConfigMap, namespace: spark-jobs, name: gone, reason: no longer read }',
        // The OIDC client Secrets, declared as in the real list.
        '  - { kind: Secret, namespace: argo, name: argo-server-sso, reason: synced from Secrets Manager }',
        '  - { kind: Secret, namespace: jupyter, name: jupyterhub-oidc, reason: synced from Secrets Manager }',
      ].join('\n'),
    );
    expect(lines(runOn(createSecretsConfigMapsCheck(file), dist))).toEqual([
      'external-secrets.yaml  objects[1]  each entry needs the strings kind, namespace, name, reason (optional: env); ' +
        'missing: reason',
      expect.stringMatching(
        /^dist\/k8s\/prod\/prod-pipelines\/WorkflowTemplate\.word-count\.yaml .* spec\.imagePullSecrets\[0\]: Secret "spark-jobs\/registry-credentials" is produced by no Secret manifest, ExternalSecret or entry of external-secrets\.yaml/,
      ),
      'external-secrets.yaml  objects[2]  stale entry: no manifest of dist/ references ConfigMap spark-jobs/gone; ' +
        'remove it',
    ]);
  });
});
