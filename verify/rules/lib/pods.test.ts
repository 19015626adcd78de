import { describe, expect, test } from 'vitest';
import {
  hardenedContainer,
  hardenedDeployment,
  hardenedPod,
  hardenedSparkApplication,
  hardenedWorkflowTemplate,
} from '../testing';
import { podsOf } from './pods';

describe('podsOf', () => {
  test('finds the pod of every workload kind', () => {
    expect(podsOf(hardenedPod()).map((p) => p.where)).toEqual(['spec']);
    expect(podsOf(hardenedDeployment()).map((p) => p.where)).toEqual(['spec.template.spec']);
    for (const kind of ['StatefulSet', 'DaemonSet', 'Job']) {
      expect(podsOf({ ...hardenedDeployment(), kind }).map((p) => p.where)).toEqual(['spec.template.spec']);
    }
  });

  test('a SparkApplication has a driver and an executor pod built from the role fields', () => {
    const [driver, executor] = podsOf(hardenedSparkApplication());
    expect(driver.where).toBe('driver');
    expect(driver.containers[0]).toMatchObject({
      image: 'ghcr.io/tripl-ai/arc:arc_4.2.0_spark_3.3.4_scala_2.12_hadoop_3.3.2_4.2.1_slim',
      resources: { requests: { cpu: '1', memory: '2g' }, limits: { cpu: '1', memory: '2g' } },
    });
    expect(driver.nodeSelector).toEqual({ 'sql-etl-on-eks/pool': 'spark-driver' });
    expect(executor.where).toBe('executor');
    const scheduled = {
      apiVersion: 'sparkoperator.k8s.io/v1beta2',
      kind: 'ScheduledSparkApplication',
      spec: { schedule: '@daily', template: hardenedSparkApplication().spec },
    };
    expect(podsOf(scheduled).map((p) => p.where)).toEqual(['spec.template.driver', 'spec.template.executor']);
  });

  test('Argo: container, script and containerSet templates are pods; dag and resource templates are not', () => {
    const template = hardenedWorkflowTemplate();
    const spec = template.spec as { templates: Record<string, unknown>[] };
    spec.templates.push(
      { name: 'sh', script: { ...hardenedContainer('sh'), source: 'echo' } },
      { name: 'set', containerSet: { containers: [hardenedContainer('a'), hardenedContainer('b')] } },
      { name: 'run', resource: { action: 'create', manifest: 'kind: ConfigMap' } },
    );
    const pods = podsOf(template);
    expect(pods.map((p) => [p.where, p.containers.length])).toEqual([
      ['templates[1] (check)', 1],
      ['templates[2] (sh)', 1],
      ['templates[3] (set)', 2],
    ]);
    expect(pods[0].securityContext).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const cron = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'CronWorkflow',
      spec: { workflowSpec: template.spec },
    };
    expect(podsOf(cron)).toHaveLength(3);
  });

  test('objects of other groups or kinds define no pod', () => {
    expect(podsOf({ apiVersion: 'v1', kind: 'ConfigMap' })).toEqual([]);
    expect(podsOf({ ...hardenedSparkApplication(), apiVersion: 'example.com/v1' })).toEqual([]);
  });
});
