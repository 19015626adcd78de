import { SPARK_003 } from './spark-003-service-account';
import type { Edits } from '../testing';
import { DIST_K8S, distSparkApplication, hardenedSparkApplication, k8s, ruleTests } from '../testing';

const run = (edits: Record<string, unknown>) => () =>
  SPARK_003.evaluate(k8s(hardenedSparkApplication(), edits));
/** A real SparkApplication, embedded in the customer-scd2 WorkflowTemplate of dist/, after edits. */
const real = (edits: Edits) => () =>
  SPARK_003.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-scd2-merge', edits));

ruleTests(SPARK_003, {
  compliant: [
    { name: 'a real SparkApplication embedded in the customer-scd2 WorkflowTemplate', result: real({}) },
    {
      name: 'a real SparkApplication embedded in the ad-hoc submit WorkflowTemplate',
      result: () => SPARK_003.evaluate(distSparkApplication(DIST_K8S.sparkSubmit, 'submit-local')),
    },
    { name: 'the job runner account', result: run({}) },
  ],
  nonCompliant: [
    {
      name: 'a real embedded SparkApplication without a driver account',
      result: real({ 'spec.driver.serviceAccount': undefined }),
      message: /^spec\.driver\.serviceAccount is not set$/,
    },
    {
      name: 'a real embedded SparkApplication with the driver on default',
      result: real({ 'spec.driver.serviceAccount': 'default' }),
      message: /^spec\.driver\.serviceAccount is default$/,
    },
    {
      name: 'a real embedded SparkApplication with the executor on default',
      result: real({ 'spec.executor.serviceAccount': 'default' }),
      message: /^spec\.executor\.serviceAccount is default$/,
    },
    {
      name: 'no driver account',
      result: run({ 'spec.driver.serviceAccount': undefined }),
      message: /driver\.serviceAccount is not set/,
    },
    {
      name: 'executor on default',
      result: run({ 'spec.executor.serviceAccount': 'default' }),
      message: /executor\.serviceAccount is default/,
    },
  ],
});
