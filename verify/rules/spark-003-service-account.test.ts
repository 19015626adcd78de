import { SPARK_003 } from './spark-003-service-account';
import { hardenedSparkApplication, k8s, ruleTests } from './testing';

const run = (edits: Record<string, unknown>) => () =>
  SPARK_003.evaluate(k8s(hardenedSparkApplication(), edits));

ruleTests(SPARK_003, {
  compliant: [{ name: 'the job runner account', result: run({}) }],
  nonCompliant: [
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
