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

  test('one service account per workload identity the kit owns; IRSA ones annotated, Pod Identity ones not', () => {
    const owned = Object.values(WORKLOADS).filter((w) => w.createdBy === 'kit');
    expect(manifests.filter((m) => m.kind === 'ServiceAccount')).toHaveLength(owned.length);
    for (const w of owned) {
      const sa = manifests.find(
        (m) => m.metadata.name === w.serviceAccount && m.metadata.namespace === w.namespace,
      );
      expect(sa?.metadata.annotations?.[IRSA_ANNOTATION]).toBe(
        w.mechanism === 'irsa' ? roleArn(DEV, w.role) : undefined,
      );
    }
  });

  test('leaves service accounts of Helm charts and add-ons to them', () => {
    const names = manifests.map((m) => m.metadata.name);
    expect(names).not.toContain(WORKLOADS.karpenter.serviceAccount);
    expect(names).not.toContain(WORKLOADS.ebsCsiDriver.serviceAccount);
  });
});
