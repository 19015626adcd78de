import { describe, expect, test } from 'vitest';
import { namespacesCheck } from './namespaces';
import { copyDist, editJson, editYaml, lines, runOn, setIn } from './testing';

describe('namespaces', () => {
  test('every namespace the committed dist/ uses is created', () => {
    const result = runOn(namespacesCheck);
    expect(lines(result)).toEqual([]);
    expect(result.checked).toBeGreaterThan(50);
  });

  test('fails on a manifest in a namespace nothing creates', () => {
    const dist = copyDist();
    editYaml(dist, 'k8s/dev/dev-spark-jobs-access/RoleBinding.spark-driver.yaml', (binding) =>
      setIn(binding, ['metadata', 'namespace'], 'spark-job'),
    );
    expect(lines(runOn(namespacesCheck, dist))).toEqual([
      expect.stringMatching(
        /^dist\/k8s\/dev\/dev-spark-jobs-access\/RoleBinding\.spark-driver\.yaml {2}RoleBinding\/spark-job\/spark-driver {2}metadata\.namespace: namespace "spark-job" is created by no Namespace manifest or Helm release \(create_namespace\) of dev; created: .*spark-jobs/,
      ),
    ]);
  });

  test('fails on a Helm release installing into a namespace it does not create', () => {
    const dist = copyDist();
    editJson(dist, 'terraform/stacks/prod-platform/cdk.tf.json', (json) => {
      setIn(json, ['resource', 'helm_release', 'spark_operator', 'namespace'], 'spark-operators');
      setIn(json, ['resource', 'helm_release', 'spark_operator', 'create_namespace'], false);
    });
    expect(lines(runOn(namespacesCheck, dist))).toEqual([
      expect.stringMatching(
        /^dist\/terraform\/stacks\/prod-platform\/cdk\.tf\.json {2}helm_release\.spark_operator {2}namespace \(create_namespace is false\): namespace "spark-operators" is created by no Namespace manifest/,
      ),
    ]);
  });
});
