import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../upstream-cache';
import { JOB_SERVICE_ACCOUNTS, RBAC_003 } from './rbac-003-job-accounts-no-secrets';
import { edited, resultFor, ruleTests } from '../testing';
import type { KubernetesObject } from '../../dist';
import { kubernetesEnvironments, loadDist } from '../../dist';

/** The real dev objects, with edits applied to the object with the given id. */
function devObjects(changes: Record<string, Record<string, unknown>> = {}): KubernetesObject[] {
  const objects = loadDist(path.join(REPO_ROOT, 'dist'), REPO_ROOT).objects.filter((o) => o.env === 'dev');
  return objects.map((o) =>
    changes[o.id] === undefined ? o : { ...o, manifest: edited(o.manifest, changes[o.id]) },
  );
}
const run =
  (binding: string, changes: Record<string, Record<string, unknown>> = {}) =>
  () =>
    resultFor(RBAC_003.evaluate({ env: 'dev', objects: devObjects(changes) }), binding);

const DRIVER_BINDING = 'RoleBinding/spark-jobs/spark-driver';

ruleTests(RBAC_003, {
  compliant: [
    { name: 'the real Spark driver binding', result: run(DRIVER_BINDING) },
    { name: 'the real Argo workflow binding', result: run('RoleBinding/spark-jobs/argo-workflow') },
    {
      name: 'bound to the built-in view role',
      result: run(DRIVER_BINDING, { [DRIVER_BINDING]: { roleRef: { kind: 'ClusterRole', name: 'view' } } }),
    },
  ],
  nonCompliant: [
    {
      name: 'the real Spark driver Role granted secrets',
      result: run(DRIVER_BINDING, {
        'Role/spark-jobs/spark-driver': { 'rules.0.resources': ['pods', 'secrets'] },
      }),
      message: /spark-jobs\/spark-job-runner to Role\/spark-jobs\/spark-driver, which can read secrets/,
    },
    {
      name: 'bound to the built-in edit role',
      result: run(DRIVER_BINDING, { [DRIVER_BINDING]: { roleRef: { kind: 'ClusterRole', name: 'edit' } } }),
      message: /ClusterRole\/edit, which can read secrets/,
    },
    {
      name: 'bound to a role dist/ does not define',
      result: run(DRIVER_BINDING, {
        [DRIVER_BINDING]: { roleRef: { kind: 'ClusterRole', name: 'from-a-chart' } },
      }),
      message: /not in dist\//,
    },
  ],
});

describe('RBAC-003 scope', () => {
  test('names the job service accounts from config/', () => {
    expect(JOB_SERVICE_ACCOUNTS).toEqual(['spark-jobs/spark-job-runner', 'spark-jobs/argo-workflow']);
  });

  test('judges only bindings of job service accounts', () => {
    const environment = kubernetesEnvironments(devObjects()).find((e) => e.env === 'dev');
    expect(environment).toBeDefined();
    const judged = RBAC_003.evaluate(environment ?? { env: 'dev', objects: [] }).map((r) => r.object);
    expect(judged.every((id) => id.startsWith('RoleBinding/'))).toBe(true);
    expect(fs.existsSync(path.join(REPO_ROOT, 'dist', 'k8s', 'dev'))).toBe(true);
  });
});
