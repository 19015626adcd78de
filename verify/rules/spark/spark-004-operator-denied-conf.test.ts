import { SPARK_004 } from './spark-004-operator-denied-conf';
import type { Edits } from '../testing';
import { DIST_K8S, distSparkApplication, hardenedSparkApplication, k8s, ruleTests } from '../testing';

const run = (edits: Record<string, unknown>) => () =>
  SPARK_004.evaluate(k8s(hardenedSparkApplication(), edits));
/** A real SparkApplication, embedded in the customer-scd2 WorkflowTemplate of dist/, after edits. */
const real = (edits: Edits) => () =>
  SPARK_004.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-scd2-merge', edits));

ruleTests(SPARK_004, {
  compliant: [
    { name: 'a real SparkApplication embedded in the customer-scd2 WorkflowTemplate', result: real({}) },
    {
      name: 'a real SparkApplication embedded in the ad-hoc submit WorkflowTemplate',
      result: () => SPARK_004.evaluate(distSparkApplication(DIST_K8S.sparkSubmit, 'submit-large')),
    },
    {
      name: 'the namespace key set to the application’s own namespace',
      result: run({ 'spec.sparkConf': { 'spark.kubernetes.namespace': 'spark-jobs' } }),
    },
  ],
  nonCompliant: [
    {
      name: 'a real embedded SparkApplication setting the container image',
      result: () =>
        SPARK_004.evaluate(
          distSparkApplication(DIST_K8S.customerScd2, 'spark-scd2-merge', {
            'spec.sparkConf': { 'spark.kubernetes.container.image': 'attacker/image:latest' },
          }),
        ),
      message:
        /^spec\.sparkConf sets spark\.kubernetes\.container\.image, which the Spark Operator webhook rejects: use the image field on the CRD instead$/,
    },
    {
      name: 'the master',
      result: run({ 'spec.sparkConf': { 'spark.master': 'k8s://https://elsewhere:443' } }),
      message: /sets spark\.master, which the Spark Operator webhook rejects/,
    },
    {
      name: 'a driver service account through sparkConf',
      result: run({
        'spec.sparkConf': { 'spark.kubernetes.authenticate.driver.serviceAccountName': 'admin' },
      }),
      message: /configure the service account via the CRD spec instead/,
    },
    {
      name: 'an OAuth token',
      result: run({ 'spec.sparkConf': { 'spark.kubernetes.authenticate.executor.oauthToken': 'x' } }),
      message: /authentication credentials are managed by the operator/,
    },
    {
      name: 'another namespace',
      result: run({ 'spec.sparkConf': { 'spark.kubernetes.namespace': 'kube-system' } }),
      message:
        /sets spark\.kubernetes\.namespace to kube-system; the Spark Operator webhook requires the application's namespace \(spark-jobs\)/,
    },
  ],
  notApplicable: [
    {
      name: 'a Deployment',
      result: () =>
        SPARK_004.evaluate(k8s({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } })),
    },
  ],
});
