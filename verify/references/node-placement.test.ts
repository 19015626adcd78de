import { describe, expect, test } from 'vitest';
import { nodePlacementCheck } from './node-placement';
import { copyDist, editJson, lines, replaceText, runOn, setIn, writeYaml } from './testing';

const NYC_TAXI = 'k8s/dev/dev-pipelines/WorkflowTemplate.nyc-taxi.yaml';
const SPARK_APP =
  'WorkflowTemplate/spark-jobs/nyc-taxi templates[1] SparkApplication/spark-jobs/{{workflow.name}}-trips-per-day-zone';

/** A Karpenter NodePool as the k8s layer will render it. */
function nodePool(name: string, capacityTypes: string[]): object {
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name },
    spec: {
      template: {
        metadata: { labels: { 'sql-etl-on-eks/pool': name } },
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
          requirements: [
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: capacityTypes },
            { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
          ],
          taints: [{ key: 'sql-etl-on-eks/pool', value: name, effect: 'NoSchedule' }],
        },
      },
    },
  };
}

describe('node-placement', () => {
  test('every placement of the committed dist/ fits a node group or a declared Karpenter pool', () => {
    const result = runOn(nodePlacementCheck);
    expect(lines(result)).toEqual([]);
    // Spark drivers/executors, Argo templates, Helm components and the CoreDNS add-on of both environments.
    expect(result.checked).toBeGreaterThan(80);
    expect(result.notes).toEqual([
      'node placement of dev, prod checked against the node groups and the Karpenter pools declared in ' +
        'config/scheduling.ts (spark-driver, spark-executor, notebooks): dist/k8s has no NodePool manifest yet',
    ]);
  });

  test('fails on a Spark executor selecting a pool that does not exist', () => {
    const dist = copyDist();
    replaceText(dist, NYC_TAXI, 'sql-etl-on-eks/pool: spark-executor\n', 'sql-etl-on-eks/pool: spark-exec\n');
    expect(lines(runOn(nodePlacementCheck, dist))).toEqual([
      `dist/${NYC_TAXI}  ${SPARK_APP}  spec.executor: no node group or NodePool admits this pod: ` +
        'aws_eks_node_group.system_nodes (dev-cluster): no label sql-etl-on-eks/pool=spark-exec, taint ' +
        'CriticalAddonsOnly=true:NoSchedule not tolerated; NodePool/spark-driver (config/scheduling.ts): no label ' +
        'sql-etl-on-eks/pool=spark-exec (has spark-driver), taint sql-etl-on-eks/pool=spark-driver:NoSchedule not ' +
        'tolerated; NodePool/spark-executor (config/scheduling.ts): no label sql-etl-on-eks/pool=spark-exec (has ' +
        'spark-executor); NodePool/notebooks (config/scheduling.ts): no label sql-etl-on-eks/pool=spark-exec (has ' +
        'notebooks), taint sql-etl-on-eks/pool=notebooks:NoSchedule not tolerated',
    ]);
  });

  test('fails on a Spark driver that requires spot capacity its pool never launches', () => {
    const dist = copyDist();
    replaceText(
      dist,
      NYC_TAXI,
      '                sql-etl-on-eks/pool: spark-driver\n',
      '                sql-etl-on-eks/pool: spark-driver\n                karpenter.sh/capacity-type: spot\n',
    );
    expect(lines(runOn(nodePlacementCheck, dist))).toEqual([
      expect.stringMatching(
        /spec\.driver: no node group or NodePool admits this pod: .*NodePool\/spark-driver \(config\/scheduling\.ts\): no label karpenter\.sh\/capacity-type=spot \(has on-demand\);/,
      ),
    ]);
  });

  test('fails on a Helm component whose toleration names a taint no node source sets', () => {
    const dist = copyDist();
    editJson(dist, 'terraform/stacks/prod-platform/cdk.tf.json', (json) => {
      const path = ['resource', 'helm_release', 'karpenter', 'values'];
      const release = json.resource as Record<string, Record<string, { values: string[] }>>;
      setIn(
        json,
        path,
        release.helm_release.karpenter.values.map((v) =>
          v.replace('key: CriticalAddonsOnly', 'key: CriticalAddons'),
        ),
      );
    });
    expect(lines(runOn(nodePlacementCheck, dist))).toEqual([
      expect.stringMatching(
        /^dist\/terraform\/stacks\/prod-platform\/cdk\.tf\.json {2}helm_release\.karpenter {2}values: no node group or NodePool admits this pod: aws_eks_node_group\.system_nodes \(prod-cluster\): taint CriticalAddonsOnly=true:NoSchedule not tolerated;/,
      ),
      'dist/terraform/stacks/prod-platform/cdk.tf.json  helm_release.karpenter  values: toleration of ' +
        '"CriticalAddons": no node group or NodePool sets a taint with this key',
    ]);
  });

  test('uses the NodePool manifests once dist/k8s has them, instead of config/scheduling.ts', () => {
    const dist = copyDist();
    // Only the driver pool is rendered: every executor and notebook placement of dev must now fail.
    writeYaml(
      dist,
      'k8s/dev/dev-node-pools/NodePool.spark-driver.yaml',
      nodePool('spark-driver', ['on-demand']),
    );
    const result = runOn(nodePlacementCheck, dist);
    expect(result.notes).toEqual([
      'node placement of prod checked against the node groups and the Karpenter pools declared in ' +
        'config/scheduling.ts (spark-driver, spark-executor, notebooks): dist/k8s has no NodePool manifest yet',
    ]);
    const found = lines(result);
    expect(found.length).toBeGreaterThan(5);
    expect(found.every((line) => line.includes('/dev') && !line.includes('(config/scheduling.ts)'))).toBe(
      true,
    );
    expect(found.some((line) => line.includes('helm_release.jupyterhub  values.singleuser:'))).toBe(true);
    expect(
      found.some((line) => line.includes('spec.executor: no node group or NodePool admits this pod')),
    ).toBe(true);
    expect(found.some((line) => line.includes('spec.driver:'))).toBe(false);
  });
});
