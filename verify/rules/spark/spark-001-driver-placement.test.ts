import { expect, test } from 'vitest';
import { stringify } from 'yaml';
import { SPARK_001 } from './spark-001-driver-placement';
import type { Edits } from '../testing';
import {
  DIST_K8S,
  distSparkApplication,
  hardenedSparkApplication,
  hardenedWorkflowTemplate,
  k8s,
  k8sAll,
  ruleTests,
} from '../testing';

const app = (edits: Record<string, unknown>) => () =>
  SPARK_001.evaluate(k8s(hardenedSparkApplication(), edits));
const required = (...matchExpressions: Record<string, unknown>[]) => ({
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] },
  },
});
const POOL = 'sql-etl-on-eks/pool';

/** A real SparkApplication, embedded in the customer-scd2 WorkflowTemplate of dist/, after edits. */
const real = (edits: Edits) => () =>
  SPARK_001.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-initial-load', edits));
/** The real driver nodeSelector, plus `extra`. */
const realDriverSelector = (extra: Record<string, string>) => ({
  ...(
    distSparkApplication(DIST_K8S.customerScd2, 'spark-initial-load').manifest.spec as {
      driver: { nodeSelector: Record<string, string> };
    }
  ).driver.nodeSelector,
  ...extra,
});

/** A WorkflowTemplate whose resource template embeds the SparkApplication; returns the embedded object. */
function embedded(edits: Record<string, unknown>) {
  const template = hardenedWorkflowTemplate();
  const spec = template.spec as { templates: Record<string, unknown>[] };
  spec.templates.push({
    name: 'run',
    resource: { action: 'create', manifest: stringify(k8s(hardenedSparkApplication(), edits).manifest) },
  });
  return k8sAll(template)[1];
}

ruleTests(SPARK_001, {
  compliant: [
    { name: 'a real SparkApplication embedded in the customer-scd2 WorkflowTemplate', result: real({}) },
    {
      name: 'a real SparkApplication embedded in the ad-hoc submit WorkflowTemplate',
      result: () => SPARK_001.evaluate(distSparkApplication(DIST_K8S.sparkSubmit, 'submit-large')),
    },
    { name: 'driver pool by nodeSelector', result: app({}) },
    {
      name: 'driver pool by required affinity, on-demand',
      result: app({
        'spec.driver.nodeSelector': undefined,
        'spec.driver.affinity': required(
          { key: POOL, operator: 'In', values: ['spark-driver'] },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
        ),
      }),
    },
    { name: 'embedded in an Argo resource template', result: () => SPARK_001.evaluate(embedded({})) },
  ],
  nonCompliant: [
    {
      name: 'a real embedded SparkApplication with the driver on spot capacity',
      result: () =>
        real({ 'spec.driver.nodeSelector': realDriverSelector({ 'karpenter.sh/capacity-type': 'spot' }) })(),
      message: /^driver nodeSelector selects karpenter\.sh\/capacity-type=spot$/,
    },
    {
      name: 'a real embedded SparkApplication with the driver on the spot executor pool',
      result: () => real({ 'spec.driver.nodeSelector': realDriverSelector({ [POOL]: 'spark-executor' }) })(),
      message:
        /^driver nodeSelector selects sql-etl-on-eks\/pool=spark-executor; use spark-driver; driver does not select/,
    },
    {
      name: 'a real embedded SparkApplication without driver placement',
      result: real({ 'spec.driver.nodeSelector': undefined }),
      message: /^driver does not select the spark-driver pool/,
    },
    {
      name: 'a real embedded SparkApplication whose driver affinity admits spot',
      result: real({
        'spec.driver.affinity': required(
          { key: POOL, operator: 'In', values: ['spark-driver'] },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand', 'spot'] },
        ),
      }),
      message: /^driver required node affinity term 0 admits karpenter\.sh\/capacity-type=spot$/,
    },
    {
      name: 'no placement',
      result: app({ 'spec.driver.nodeSelector': undefined }),
      message: /does not select the spark-driver pool/,
    },
    {
      name: 'spot by nodeSelector',
      result: app({
        'spec.driver.nodeSelector': { [POOL]: 'spark-driver', 'karpenter.sh/capacity-type': 'spot' },
      }),
      message: /karpenter\.sh\/capacity-type=spot/,
    },
    {
      name: 'the executor pool',
      result: app({ 'spec.driver.nodeSelector': { [POOL]: 'spark-executor' } }),
      message: /spark-executor; use spark-driver/,
    },
    {
      name: 'spot allowed by required affinity',
      result: app({
        'spec.driver.nodeSelector': undefined,
        'spec.driver.affinity': required(
          { key: POOL, operator: 'In', values: ['spark-driver'] },
          { key: 'karpenter.sh/capacity-type', operator: 'NotIn', values: ['on-demand'] },
        ),
      }),
      message: /admits karpenter\.sh\/capacity-type=spot/,
    },
    {
      name: 'spot preferred',
      result: app({
        'spec.driver.affinity': {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 1,
                preference: {
                  matchExpressions: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] }],
                },
              },
            ],
          },
        },
      }),
      message: /prefers spot/,
    },
    {
      name: 'embedded with spot',
      result: () =>
        SPARK_001.evaluate(
          embedded({ 'spec.driver.nodeSelector': { 'eks.amazonaws.com/capacityType': 'SPOT' } }),
        ),
      message: /eks\.amazonaws\.com\/capacityType=SPOT/,
    },
  ],
});

test('distSparkApplication presents an embedded manifest as the engine does', () => {
  const object = distSparkApplication(DIST_K8S.customerScd2, 'spark-delta-load');
  expect(object).toMatchObject({
    file: `dist/k8s/${DIST_K8S.customerScd2}`,
    env: 'dev',
    id: 'SparkApplication/team-data-platform/{{workflow.name}}-delta-load',
    embeddedIn: 'WorkflowTemplate/team-data-platform/customer-scd2 templates[2]',
  });
  const edited = distSparkApplication(DIST_K8S.customerScd2, 'spark-delta-load', { 'spec.driver.cores': 3 });
  expect(edited.id).toBe(object.id);
  expect(edited.embeddedIn).toBe(object.embeddedIn);
  expect((edited.manifest.spec as { driver: { cores: number } }).driver.cores).toBe(3);
});
