import {
  datalakeBucketName,
  logGroupName,
  S3_PREFIXES,
  WORKLOADS,
  type EnvironmentConfig,
  type Toleration,
} from '../../../config';
import { resources, serviceAccountValues, type Resources, type ServiceAccountValues } from './common';

/** Tag prefix Fluent Bit gives the Spark driver and executor records it re-tags (see {@link fluentBitValues}). */
export const SPARK_LOG_TAG = 'spark';

/** Containers whose logs are Spark logs (the names Spark on Kubernetes gives them). */
export const SPARK_CONTAINERS = ['spark-kubernetes-driver', 'spark-kubernetes-executor'] as const;

/**
 * S3 key of the shipped Spark logs: `spark-logs/<yyyy>/<mm>/<dd>/<tag>/<hhmmss>-<uuid>.gz` in the data lake bucket.
 * The tag holds pod and container names; the UUID keeps concurrent uploads apart.
 */
export const SPARK_LOG_KEY_FORMAT = `/${S3_PREFIXES.sparkLogs}%Y/%m/%d/$TAG/%H%M%S-$UUID.gz`;

/** The values of aws-for-fluent-bit 0.2.0 the kit sets. */
export interface FluentBitValues {
  readonly serviceAccount: ServiceAccountValues;
  readonly cloudWatchLogs: {
    readonly enabled: true;
    readonly match: string;
    readonly region: string;
    readonly logGroupName: string;
    readonly logStreamPrefix: string;
    readonly autoCreateGroup: false;
  };
  readonly s3: {
    readonly enabled: true;
    readonly match: string;
    readonly bucket: string;
    readonly region: string;
    readonly s3KeyFormat: string;
    readonly jsonDateKey: string;
    readonly jsonDateFormat: 'iso8601';
    readonly totalFileSize: string;
    readonly uploadTimeout: string;
    readonly usePutObject: true;
    readonly compression: 'gzip';
    readonly storeDirLimitSize: string;
  };
  readonly additionalFilters: string;
  readonly additionalOutputs: string;
  readonly tolerations: readonly Toleration[];
  readonly priorityClassName: 'system-node-critical';
  readonly resources: Resources;
  readonly podSecurityContext: { readonly seccompProfile: { readonly type: 'RuntimeDefault' } };
  readonly containerSecurityContext: {
    readonly allowPrivilegeEscalation: false;
    readonly privileged: false;
    readonly capabilities: { readonly drop: readonly ['ALL'] };
  };
}

/** Fluent Bit config sections are whitespace-indented key/value lines. */
function section(kind: 'FILTER' | 'OUTPUT', entries: readonly (readonly [string, string])[]): string {
  return [`[${kind}]`, ...entries.map(([key, value]) => `    ${key} ${value}`)].join('\n') + '\n';
}

/**
 * Fluent Bit (DaemonSet on every node): container logs to the `containers` log group, Spark driver and executor
 * logs re-tagged to `spark.*` and sent to the `spark` log group and, gzipped, to the data lake under
 * `S3_PREFIXES.sparkLogs`. The workloads stack creates both log groups (`auto_create_group` off). It reads node log
 * files as root, so its namespace is privileged; it still drops every capability and privilege escalation.
 */
export function fluentBitValues(env: EnvironmentConfig): FluentBitValues {
  return {
    serviceAccount: serviceAccountValues(env, WORKLOADS.fluentBit),
    cloudWatchLogs: {
      enabled: true,
      match: 'kube.*',
      region: env.region,
      logGroupName: logGroupName(env, 'containers'),
      logStreamPrefix: 'node-',
      autoCreateGroup: false,
    },
    s3: {
      enabled: true,
      match: `${SPARK_LOG_TAG}.*`,
      bucket: datalakeBucketName(env),
      region: env.region,
      s3KeyFormat: SPARK_LOG_KEY_FORMAT,
      jsonDateKey: 'time',
      jsonDateFormat: 'iso8601',
      totalFileSize: '50M',
      uploadTimeout: '5m',
      // PutObject is what gzip compression needs; 50M per object stays well under its limit.
      usePutObject: true,
      compression: 'gzip',
      storeDirLimitSize: '512M',
    },
    // After the chart's kubernetes filter: Spark containers' records leave the kube.* stream for spark.*.
    additionalFilters: section('FILTER', [
      ['Name', 'rewrite_tag'],
      ['Match', 'kube.*'],
      ['Rule', `$kubernetes['container_name'] ^(${SPARK_CONTAINERS.join('|')})$ ${SPARK_LOG_TAG}.$TAG false`],
      ['Emitter_Name', 'spark_logs'],
    ]),
    additionalOutputs: section('OUTPUT', [
      ['Name', 'cloudwatch_logs'],
      ['Match', `${SPARK_LOG_TAG}.*`],
      ['region', env.region],
      ['log_group_name', logGroupName(env, 'spark')],
      ['log_stream_prefix', 'spark-'],
      ['auto_create_group', 'false'],
    ]),
    // A DaemonSet: every node (system, Spark and notebook pools) needs its logs shipped.
    tolerations: [{ operator: 'Exists' }],
    priorityClassName: 'system-node-critical',
    resources: resources('50m', '64Mi', '500m', '256Mi'),
    podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    },
  };
}
