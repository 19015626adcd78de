import { SPARK_002 } from './spark-002-encryption';
import { hardenedSparkApplication, k8s, ruleTests } from './testing';

const conf = (sparkConf: Record<string, string> | undefined) => () =>
  SPARK_002.evaluate(k8s(hardenedSparkApplication(), { 'spec.sparkConf': sparkConf }));

ruleTests(SPARK_002, {
  compliant: [{ name: 'all three on', result: () => SPARK_002.evaluate(k8s(hardenedSparkApplication())) }],
  nonCompliant: [
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
