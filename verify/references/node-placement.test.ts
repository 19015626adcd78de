import { describe, expect, test } from 'vitest';
import { nodePlacementCheck } from './node-placement';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyDist, editJson, editYaml, lines, replaceText, runOn, setIn } from './testing';

const NYC_TAXI = 'k8s/dev/dev-pipelines/WorkflowTemplate.nyc-taxi.yaml';
const SPARK_APP =
  'WorkflowTemplate/team-data-platform/nyc-taxi templates[1] SparkApplication/team-data-platform/{{workflow.name}}-trips-per-day-zone';

describe('node-placement', () => {
  test('every placement of the committed dist/ fits a node group or a NodePool of dist/', () => {
    const result = runOn(nodePlacementCheck);
    expect(lines(result)).toEqual([]);
    // Spark drivers/executors, Argo templates, Helm components and the CoreDNS add-on of both environments.
    expect(result.checked).toBeGreaterThan(80);
    expect(result.notes).toEqual([]);
  });

  test('fails on a Spark executor selecting a pool that does not exist', () => {
    const dist = copyDist();
    replaceText(dist, NYC_TAXI, 'sql-etl-on-eks/pool: spark-executor\n', 'sql-etl-on-eks/pool: spark-exec\n');
    // The job's team pool names the missing label; every other source is listed with what it lacks.
    expect(lines(runOn(nodePlacementCheck, dist))).toEqual([
      expect.stringMatching(
        /spec\.executor: no node group or NodePool admits this pod: .*NodePool\/spark-executor-data-platform: no label sql-etl-on-eks\/pool=spark-exec \(has spark-executor\)[,;]/,
      ),
    ]);
    expect(lines(runOn(nodePlacementCheck, dist))[0]).toContain(
      `dist/${NYC_TAXI}  ${SPARK_APP}  spec.executor: `,
    );
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
        /spec\.driver: no node group or NodePool admits this pod: .*NodePool\/spark-driver: no label karpenter\.sh\/capacity-type=spot \(has on-demand\)/,
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

  test('reads the NodePools from dist/ alone: a pool missing there fails every pod that needs it', () => {
    const dist = copyDist();
    fs.rmSync(path.join(dist, 'k8s/dev/dev-karpenter/NodePool.spark-executor-data-platform.yaml'));
    const found = lines(runOn(nodePlacementCheck, dist));
    expect(found.length).toBeGreaterThan(3);
    // Every executor of dev's data-platform team fails (no source admits it), nothing of prod or of analytics.
    expect(found.every((line) => line.includes('/dev') && line.includes('spec.executor: '))).toBe(true);
    expect(found.some((line) => line.includes('word-count'))).toBe(false);
  });

  test('fails on an Arc executor (amd64-only image) when its pool launches Graviton only', () => {
    const dist = copyDist();
    editYaml(dist, 'k8s/dev/dev-karpenter/NodePool.spark-executor-data-platform.yaml', (pool) => {
      const spec = (
        pool.spec as { template: { spec: { requirements: { key: string; values: string[] }[] } } }
      ).template.spec;
      spec.requirements.find((r) => r.key === 'kubernetes.io/arch')!.values = ['arm64'];
    });
    const found = lines(runOn(nodePlacementCheck, dist));
    expect(found.length).toBeGreaterThan(0);
    // Arc jobs (nyc-taxi, customer-scd2 notebooks) select amd64; PySpark and SQL jobs run on either and still fit.
    expect(found.some((line) => line.includes('WorkflowTemplate.nyc-taxi.yaml'))).toBe(true);
    expect(found.some((line) => line.includes('WorkflowTemplate.word-count.yaml'))).toBe(false);
    expect(found.some((line) => line.includes('WorkflowTemplate.customer-scd2-sql.yaml'))).toBe(false);
    expect(
      found.every((line) =>
        line.includes('NodePool/spark-executor-data-platform: no label kubernetes.io/arch=amd64 (has arm64)'),
      ),
    ).toBe(true);
  });
});
