import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatSummary, verifyDist } from '../run';
import { REFERENCE_CHECKS, runChecks, runReferenceChecks } from './index';
import { loadDist } from '../dist';
import { referenceInput } from './model';
import { EXTERNAL_LOCATIONS_FILE } from './s3-locations';
import { makeDist, matching, namespace, sparkApplication, terraformFiles } from '../testing';
import { copyDist, fixKnownGaps } from './testing';

describe('reference checks', () => {
  test('every check file is registered once', () => {
    const files = fs
      .readdirSync(__dirname)
      .filter((f) => f.endsWith('.test.ts') && f !== 'index.test.ts')
      .map((f) => f.replace(/\.test\.ts$/, ''))
      .sort();
    expect(REFERENCE_CHECKS.map((c) => c.id).sort()).toEqual(files);
  });

  test('the (fixed) committed dist/ has no unresolved reference, and each check counts what it checked', () => {
    const dist = copyDist();
    fixKnownGaps(dist);
    const result = runReferenceChecks(loadDist(dist, path.dirname(dist)));
    expect(result.problems).toEqual([]);
    for (const check of result.checks) {
      expect(check.checked, check.id).toBeGreaterThan(0);
    }
    expect(result.checked).toBe(result.checks.reduce((n, c) => n + c.checked, 0));
  });

  test('a check that throws is a problem, never a silent pass', () => {
    const input = referenceInput(loadDist(copyDist(), '/'));
    const broken = {
      id: 'broken',
      title: 'throws',
      run: () => {
        throw new Error('boom');
      },
    };
    expect(runChecks(input, [broken]).problems).toEqual([
      { file: 'verify/references', object: 'broken', message: 'reference check broken failed: boom' },
    ]);
  });

  test('verifyDist runs them on request: count in the summary, notes after it, problems with the others', () => {
    const dist = makeDist({
      ...terraformFiles(),
      'k8s/dev/dev-namespaces/Namespace.spark-jobs.yaml': namespace('spark-jobs'),
      'k8s/dev/dev-pipelines/SparkApplication.etl.yaml': sparkApplication('etl'),
    });
    const result = verifyDist(dist, { references: true });
    const EXTERNAL_LOCATIONS = path
      .relative(path.dirname(dist), EXTERNAL_LOCATIONS_FILE)
      .split(path.sep)
      .join('/');
    // The driver's service account and placement, the executor's placement, the namespace, the job file URI.
    expect(result.counts.referencesChecked).toBe(5);
    // This tiny dist/ has no bucket, no ServiceAccount, no node group or NodePool for its pods.
    const app = 'dist/k8s/dev/dev-pipelines/SparkApplication.etl.yaml  SparkApplication/spark-jobs/etl  ';
    expect(result.problems.map((p) => `${p.file}  ${p.object}  ${p.message}`)).toEqual([
      `${app}spec.arguments[0]: s3a://bucket/etl/jobs/a.ipynb points into bucket "bucket", which no aws_s3_bucket of dev defines, is not its data lake bucket and is not listed in ${EXTERNAL_LOCATIONS}; buckets: (none)`,
      `${app}spec.driver.serviceAccount: service account "spark-job-runner" does not exist in namespace "spark-jobs" (no ServiceAccount manifest, Helm release or EKS add-on creates it); defined there: (none)`,
      `${app}spec.driver: no nodeSelector or toleration, and no node group or NodePool admits this pod: dist/ defines no aws_eks_node_group and no NodePool for this environment`,
      `${app}spec.executor: no nodeSelector or toleration, and no node group or NodePool admits this pod: dist/ defines no aws_eks_node_group and no NodePool for this environment`,
    ]);
    expect(formatSummary(result).split('\n')).toEqual([matching(/, 5 references checked: 4 problems$/)]);
    expect(verifyDist(dist).counts.referencesChecked).toBeUndefined();
  });
});
