import { sparkSpecOf } from '../lib/spark';
import { record, show } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/**
 * The `sparkConf` keys the Spark Operator 2.5.2 validating webhook rejects, with its reason: `deniedSparkConfKeys`
 * of internal/webhook/sparkconf_validator.go at tag v2.5.2 (key names from pkg/common/spark.go). Read from upstream,
 * not from the kit's own code, so the rule is an independent check of what the k8s layer renders.
 */
export const OPERATOR_DENIED_SPARK_CONF: Readonly<Record<string, string>> = {
  'spark.kubernetes.authenticate.driver.serviceAccountName':
    'configure the service account via the CRD spec instead',
  'spark.kubernetes.authenticate.executor.serviceAccountName':
    'configure the service account via the CRD spec instead',
  'spark.kubernetes.authenticate.oauthTokenFile': 'authentication credentials are managed by the operator',
  'spark.kubernetes.authenticate.oauthToken': 'authentication credentials are managed by the operator',
  'spark.kubernetes.authenticate.driver.oauthTokenFile':
    'authentication credentials are managed by the operator',
  'spark.kubernetes.authenticate.driver.oauthToken': 'authentication credentials are managed by the operator',
  'spark.kubernetes.authenticate.executor.oauthTokenFile':
    'authentication credentials are managed by the operator',
  'spark.kubernetes.authenticate.executor.oauthToken':
    'authentication credentials are managed by the operator',
  'spark.master': 'this value is managed by the operator',
  'spark.kubernetes.driver.master': 'this value is managed by the operator',
  'spark.kubernetes.container.image': 'use the image field on the CRD instead',
  'spark.kubernetes.driver.container.image': 'use the image field on the CRD instead',
  'spark.kubernetes.executor.container.image': 'use the image field on the CRD instead',
};

/** The key the webhook accepts only with the application's own namespace as value. */
export const NAMESPACE_KEY = 'spark.kubernetes.namespace';

/** SPARK-004: no sparkConf key the Spark Operator's webhook rejects. */
export const SPARK_004: KubernetesRule = {
  id: 'SPARK-004',
  info:
    'SparkApplications (embedded ones included) set no sparkConf key the Spark Operator 2.5.2 webhook rejects, and ' +
    `${NAMESPACE_KEY} only to their own namespace`,
  rationale:
    'The operator’s validating webhook refuses these keys (images, service accounts, the master, OAuth tokens, a ' +
    'foreign namespace) when the application is created: an Argo step creating one fails at run time, after the ' +
    'review and the sync looked fine.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const found = sparkSpecOf(object.manifest);
    if (found === undefined) return notApplicable();
    const sparkConf = record(found.spec.sparkConf);
    const namespace = show(record(object.manifest.metadata).namespace);
    const failures: string[] = [];
    for (const [key, value] of Object.entries(sparkConf).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const reason = OPERATOR_DENIED_SPARK_CONF[key];
      if (reason !== undefined) {
        failures.push(
          `${found.at}.sparkConf sets ${key}, which the Spark Operator webhook rejects: ${reason}`,
        );
      } else if (key === NAMESPACE_KEY && show(value) !== namespace) {
        failures.push(
          `${found.at}.sparkConf sets ${key} to ${show(value)}; the Spark Operator webhook requires the ` +
            `application's namespace (${namespace})`,
        );
      }
    }
    return verdict(failures);
  },
};
