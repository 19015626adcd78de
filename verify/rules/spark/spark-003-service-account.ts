import { sparkSpecOf } from '../lib/spark';
import { record, text } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** SPARK-003: Spark pods run as a dedicated service account. */
export const SPARK_003: KubernetesRule = {
  id: 'SPARK-003',
  info: 'SparkApplication drivers (and executors, when set) use a named service account other than default',
  rationale:
    'The driver needs rights to create executor pods and its AWS role comes from the service account (IRSA); on ' +
    'default it either fails or, worse, shares whatever someone granted default.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const found = sparkSpecOf(object.manifest);
    if (found === undefined) return notApplicable();
    const failures: string[] = [];
    const driver = text(record(found.spec.driver).serviceAccount);
    if (driver === undefined || driver === 'default') {
      failures.push(`${found.at}.driver.serviceAccount is ${driver ?? 'not set'}`);
    }
    if (text(record(found.spec.executor).serviceAccount) === 'default') {
      failures.push(`${found.at}.executor.serviceAccount is default`);
    }
    return verdict(failures);
  },
};
