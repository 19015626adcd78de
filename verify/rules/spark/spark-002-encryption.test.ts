import { SPARK_002 } from './spark-002-encryption';
import { DIST_K8S, distSparkApplication, hardenedSparkApplication, k8s, ruleTests } from '../testing';

const conf = (sparkConf: Record<string, string> | undefined) => () =>
  SPARK_002.evaluate(k8s(hardenedSparkApplication(), { 'spec.sparkConf': sparkConf }));

/** The sparkConf of a real SparkApplication embedded in dist/ (keys hold dots, so it is replaced whole). */
const realConf = (file: string, template: string): Record<string, string> =>
  (distSparkApplication(file, template).manifest.spec as { sparkConf: Record<string, string> }).sparkConf;
/** A real embedded SparkApplication with its sparkConf changed by `change`. */
const real =
  (file: string, template: string, change: (conf: Record<string, string>) => Record<string, string>) => () =>
    SPARK_002.evaluate(
      distSparkApplication(file, template, { 'spec.sparkConf': change(realConf(file, template)) }),
    );

ruleTests(SPARK_002, {
  compliant: [
    {
      name: 'a real SparkApplication embedded in the customer-scd2 WorkflowTemplate (Scala)',
      result: () => SPARK_002.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-initial-load')),
    },
    {
      name: 'a real SparkApplication embedded in the customer-scd2 WorkflowTemplate (Python)',
      result: () => SPARK_002.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-register-table')),
    },
    {
      name: 'a real SparkApplication embedded in the ad-hoc submit WorkflowTemplate',
      result: () => SPARK_002.evaluate(distSparkApplication(DIST_K8S.sparkSubmit, 'submit-medium')),
    },
    { name: 'all three on', result: () => SPARK_002.evaluate(k8s(hardenedSparkApplication())) },
  ],
  nonCompliant: [
    {
      name: 'a real embedded SparkApplication with spark.authenticate "false"',
      result: real(DIST_K8S.customerScd2, 'spark-initial-load', (c) => ({
        ...c,
        'spark.authenticate': 'false',
      })),
      message: /^spec\.sparkConf\["spark\.authenticate"\] is "false"; set "true"$/,
    },
    {
      name: 'a real embedded SparkApplication without spark.io.encryption.enabled',
      result: real(DIST_K8S.customerScd2, 'spark-register-table', (c) => {
        const { 'spark.io.encryption.enabled': _removed, ...rest } = c;
        return rest;
      }),
      message: /^spec\.sparkConf\["spark\.io\.encryption\.enabled"\] is not set; set "true"$/,
    },
    {
      name: 'a real ad-hoc SparkApplication with network crypto off',
      result: real(DIST_K8S.sparkSubmit, 'submit-small', (c) => ({
        ...c,
        'spark.network.crypto.enabled': 'false',
      })),
      message: /^spec\.sparkConf\["spark\.network\.crypto\.enabled"\] is "false"; set "true"$/,
    },
    {
      name: 'network crypto off',
      result: conf({
        'spark.authenticate': 'true',
        'spark.network.crypto.enabled': 'false',
        'spark.io.encryption.enabled': 'true',
      }),
      message: /spark\.network\.crypto\.enabled"\] is "false"; set "true"/,
    },
    { name: 'no sparkConf', result: conf(undefined), message: /spark\.authenticate"\] is not set/ },
  ],
});
