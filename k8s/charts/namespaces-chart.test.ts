import { describe, expect, test } from 'vitest';
import { NAMESPACES } from '../../config';
import { DEV, PROD, pick, synthChart, testApp } from '../testing';
import { NamespacesChart } from './namespaces-chart';

describe('NamespacesChart', () => {
  const manifests = synthChart(new NamespacesChart(testApp(), { env: DEV }));

  test('creates every platform namespace and nothing else', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(
      Object.values(NAMESPACES)
        .map((n) => `Namespace/${n}`)
        .sort(),
    );
  });

  test('job, workflow and operator namespaces enforce the restricted Pod Security Standard', () => {
    for (const name of [NAMESPACES.sparkJobs, NAMESPACES.argo, NAMESPACES.sparkOperator]) {
      expect(pick(manifests, 'Namespace', name).metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.35',
      });
    }
  });

  test('the JupyterHub namespace enforces baseline and audits and warns at restricted', () => {
    expect(pick(manifests, 'Namespace', NAMESPACES.jupyter).metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('pins the Pod Security version to the cluster version', () => {
    const newer = synthChart(
      new NamespacesChart(testApp(), { env: { ...PROD, eks: { ...PROD.eks, version: '1.36' } } }),
    );
    expect(
      pick(newer, 'Namespace', NAMESPACES.argo).metadata.labels?.['pod-security.kubernetes.io/warn-version'],
    ).toBe('v1.36');
  });

  test('object names carry no hash suffix and the chart id carries the environment', () => {
    const chart = new NamespacesChart(testApp(), { env: PROD });
    expect(chart.node.id).toBe('prod-namespaces');
    expect(synthChart(chart).map((m) => m.metadata.name)).toContain('spark-jobs');
  });

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });
});
