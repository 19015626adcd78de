import { describe, expect, test } from 'vitest';
import { WORKLOADS, roleArn, roleName } from '../../config';
import { DEV, pick, synthChart, testApp } from '../testing';
import { IRSA_ANNOTATION, WorkloadIdentitiesChart } from './workload-identities-chart';

describe('WorkloadIdentitiesChart', () => {
  const manifests = synthChart(new WorkloadIdentitiesChart(testApp(), { env: DEV }));
  const runner = WORKLOADS.sparkJobRunner;

  test('creates the Spark job service account in the job namespace', () => {
    expect(pick(manifests, 'ServiceAccount', runner.serviceAccount).metadata.namespace).toBe('spark-jobs');
  });

  test('annotates it with the ARN of the role infra names with the same function', () => {
    const annotation = pick(manifests, 'ServiceAccount', runner.serviceAccount).metadata.annotations?.[
      IRSA_ANNOTATION
    ];
    expect(annotation).toBe(roleArn(DEV, runner.role));
    expect(annotation).toBe(`arn:aws:iam::${DEV.account}:role/${roleName(DEV, runner.role)}`);
  });

  test('one service account per workload identity', () => {
    expect(manifests.filter((m) => m.kind === 'ServiceAccount')).toHaveLength(Object.keys(WORKLOADS).length);
  });
});
