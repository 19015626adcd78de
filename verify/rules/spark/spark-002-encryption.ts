import { sparkSpecOf } from '../lib/spark';
import { record } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** The Spark settings that authenticate and encrypt traffic between the driver and executors, and spill files. */
export const SPARK_SECURITY_CONF = [
  'spark.authenticate',
  'spark.network.crypto.enabled',
  'spark.io.encryption.enabled',
];

/** SPARK-002: Spark authenticates and encrypts its RPC, shuffle and spill. */
export const SPARK_002: KubernetesRule = {
  id: 'SPARK-002',
  info: `SparkApplications set ${SPARK_SECURITY_CONF.join(', ')} to "true"`,
  rationale:
    'Without them any pod that can reach a driver or executor port can join the application and read shuffle ' +
    'blocks (table data) in clear text, and spill files on node disks are unencrypted.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const found = sparkSpecOf(object.manifest);
    if (found === undefined) return notApplicable();
    const conf = record(found.spec.sparkConf);
    return verdict(
      SPARK_SECURITY_CONF.filter((key) => conf[key] !== 'true').map(
        (key) =>
          `${found.at}.sparkConf["${key}"] is ${conf[key] === undefined ? 'not set' : JSON.stringify(conf[key])}; set "true"`,
      ),
    );
  },
};
