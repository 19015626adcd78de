import { stringify } from 'yaml';
import { SPARK_001 } from './spark-001-driver-placement';
import { hardenedSparkApplication, hardenedWorkflowTemplate, k8s, k8sAll, ruleTests } from './testing';

const app = (edits: Record<string, unknown>) => () =>
  SPARK_001.evaluate(k8s(hardenedSparkApplication(), edits));
const required = (...matchExpressions: Record<string, unknown>[]) => ({
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] },
  },
});
const POOL = 'sql-etl-on-eks/pool';

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
