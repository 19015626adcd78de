import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { serviceAccountsCheck } from './service-accounts';
import { copyDist, editJson, lines, replaceText, runOn } from './testing';

const NYC_TAXI = 'k8s/dev/dev-pipelines/WorkflowTemplate.nyc-taxi.yaml';
const SPARK_APP =
  'WorkflowTemplate/team-data-platform/nyc-taxi templates[1] SparkApplication/team-data-platform/{{workflow.name}}-trips-per-day-zone';

describe('service-accounts', () => {
  test('every service account the committed dist/ uses exists', () => {
    const result = runOn(serviceAccountsCheck);
    expect(lines(result)).toEqual([]);
    // Spark drivers and executors, workflows, bindings and Helm values of both environments.
    expect(result.checked).toBeGreaterThan(50);
  });

  test('fails on a SparkApplication (embedded in an Argo template) running as an account nobody creates', () => {
    const dist = copyDist();
    replaceText(dist, NYC_TAXI, 'serviceAccount: spark-job-runner', 'serviceAccount: spark-job-runer');
    expect(lines(runOn(serviceAccountsCheck, dist))).toEqual(
      ['driver', 'executor'].map(
        (role) =>
          `dist/${NYC_TAXI}  ${SPARK_APP}  spec.${role}.serviceAccount: service account "spark-job-runer" does not ` +
          'exist in namespace "team-data-platform" (no ServiceAccount manifest, Helm release or EKS add-on creates ' +
          'it); defined there: argo-team-engineer, argo-team-viewer, argo-workflow, spark-job-runner',
      ),
    );
  });

  test('fails on workflows and bindings once the ServiceAccount manifest is gone', () => {
    const dist = copyDist();
    fs.rmSync(path.join(dist, 'k8s/prod/prod-workload-identities/ServiceAccount.argo-workflow.yaml'));
    const found = lines(runOn(serviceAccountsCheck, dist));
    expect(found).toEqual(
      expect.arrayContaining([
        'dist/k8s/prod/prod-spark-jobs-access/RoleBinding.argo-workflow.yaml  RoleBinding/spark-jobs/argo-workflow  ' +
          'subjects[0].name: service account "argo-workflow" does not exist in namespace "spark-jobs" (no ' +
          'ServiceAccount manifest, Helm release or EKS add-on creates it); defined there: spark-job-runner',
        // Argo Workflows' workflowDefaults name it too (Helm values, in each workflow namespace).
        expect.stringMatching(
          /^dist\/terraform\/stacks\/prod-platform\/cdk\.tf\.json {2}helm_release\.argo_workflows {2}values\.controller\.workflowDefaults\.spec\.serviceAccountName: service account "argo-workflow" does not exist in namespace "spark-jobs"/,
        ),
      ]),
    );
    expect(found.every((line) => line.includes('/prod'))).toBe(true);
  });

  test('fails on Helm values naming an account that no chart creates (create: false)', () => {
    const dist = copyDist();
    editJson(dist, 'terraform/stacks/dev-platform/cdk.tf.json', (json) => {
      const release = (json.resource as Record<string, Record<string, { values: string[] }>>).helm_release
        .spark_operator;
      release.values = release.values.map((v) => v.replace('name: spark-job-runner', 'name: spark-runner'));
    });
    // The operator's job service account is looked up in every job namespace it watches (shared and teams').
    const found = lines(runOn(serviceAccountsCheck, dist));
    expect(found).toHaveLength(3);
    for (const namespace of ['spark-jobs', 'team-data-platform', 'team-analytics']) {
      expect(found).toContainEqual(
        expect.stringMatching(
          new RegExp(
            '^dist/terraform/stacks/dev-platform/cdk\\.tf\\.json {2}helm_release\\.spark_operator {2}' +
              `values\\.spark\\.serviceAccount\\.name: service account "spark-runner" does not exist in namespace "${namespace}"`,
          ),
        ),
      );
    }
  });
});
