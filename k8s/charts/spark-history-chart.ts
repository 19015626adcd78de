import { createHash } from 'node:crypto';
import type { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import {
  NAMESPACES,
  S3_PREFIXES,
  WORKLOADS,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  runtimeImage,
  systemPlacement,
  type EnvironmentConfig,
} from '../../config';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';
import {
  SPARK_USER_ID,
  TMP_VOLUME,
  WORK_DIR_PATH,
  WORK_DIR_VOLUME,
  datalakeUri,
} from '../constructs/spark-defaults';

/** Props of {@link SparkHistoryChart}. */
export interface SparkHistoryChartProps extends EnvironmentChartProps {
  /** Repository root: the spark-runtime image tag is computed from etl/images/spark-runtime/. */
  readonly repoRoot: string;
  /**
   * Replicas of the History Server. Each replica replays every event log on its own, so more than one only buys
   * availability; with more than one a PodDisruptionBudget keeps one running through node drains.
   * @default 1
   */
  readonly replicas?: number;
}

/** Name of the Deployment, its Service, ConfigMap and the pods' `app.kubernetes.io/name` label. */
export const SPARK_HISTORY_NAME = 'spark-history-server';

/** Port of the History Server's UI and REST API (Spark's default). */
export const SPARK_HISTORY_PORT = 18080;

/**
 * S3A credentials provider for EKS Pod Identity: AWS SDK v2's container provider reads
 * AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, which the Pod Identity webhook sets
 * (SDK v2 ≥ 2.21.30; the image has SPARK_RUNTIME.awsSdkBundle). S3A 3.4 instantiates it through its static
 * `create()`.
 */
export const POD_IDENTITY_CREDENTIALS_PROVIDER =
  'software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider';

/** Where the ConfigMap's spark-defaults.conf is mounted; `SPARK_CONF_DIR`. */
export const SPARK_HISTORY_CONF_DIR = '/opt/spark/conf';

/** JVM heap of the History Server (`SPARK_DAEMON_MEMORY`); the memory limit leaves room for metaspace and buffers. */
const DAEMON_MEMORY = '1g';
const MEMORY = '1536Mi';

/** Spark properties of the History Server. */
export function sparkHistoryConf(env: EnvironmentConfig): Record<string, string> {
  return {
    'spark.history.fs.logDirectory': datalakeUri(env, S3_PREFIXES.sparkEventLogs),
    // Listing S3 every 10 s (Spark's default) costs requests for little gain; finished jobs show up within 30 s.
    'spark.history.fs.update.interval': '30s',
    'spark.history.ui.port': String(SPARK_HISTORY_PORT),
    // Nothing else expires event logs: the data lake may be a user's bucket whose lifecycle the kit does not own.
    // The History Server's role is read-only (least privilege), so its cleaner stays off; event logs are kept until
    // an S3 lifecycle rule on the prefix expires them.
    'spark.history.fs.cleaner.enabled': 'false',
    'spark.hadoop.fs.s3a.aws.credentials.provider': POD_IDENTITY_CREDENTIALS_PROVIDER,
    // Pod Identity sets no AWS_REGION; without it S3A guesses the region and may go cross-region.
    'spark.hadoop.fs.s3a.endpoint.region': env.region,
  };
}

/** `key value` lines, sorted: the spark-defaults.conf format. */
export function renderSparkDefaults(conf: Readonly<Record<string, string>>): string {
  return Object.keys(conf)
    .sort()
    .map((key) => `${key} ${conf[key]}`)
    .join('\n')
    .concat('\n');
}

/**
 * The Spark History Server: reads the event logs every Spark application writes to the data lake and serves their
 * UI on a ClusterIP Service (reach it with `kubectl port-forward -n spark-history svc/spark-history-server 18080`).
 *
 * It runs the kit's spark-runtime image (Spark 4 with S3A and AWS SDK v2) as the `spark` user with a read-only root
 * filesystem, on the system nodes: it is a long-running platform component, and on a Karpenter pool it would keep a
 * node alive around the clock. Its AWS identity is EKS Pod Identity on the `spark-history-server` service account
 * (created by the workload identities chart). It is stateless: a restart replays the logs.
 */
export class SparkHistoryChart extends EnvironmentChart {
  constructor(scope: Construct, props: SparkHistoryChartProps) {
    super(scope, 'spark-history', props);
    const { env } = props;
    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new Error(`spark history server: replicas must be a whole number of at least 1, got ${replicas}`);
    }
    const namespace = NAMESPACES.sparkHistory;
    const workload = WORKLOADS.sparkHistoryServer;
    const labels = { 'app.kubernetes.io/name': SPARK_HISTORY_NAME, 'app.kubernetes.io/component': 'ui' };
    const sparkDefaults = renderSparkDefaults(sparkHistoryConf(env));

    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: SPARK_HISTORY_NAME, namespace, labels },
      data: { 'spark-defaults.conf': sparkDefaults },
    });

    const httpGet = (path: string): k8s.HttpGetAction => ({
      path,
      port: k8s.IntOrString.fromString('http'),
    });
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: SPARK_HISTORY_NAME, namespace, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: {
            labels,
            // A changed configuration rolls the pods (the file is read once at start).
            annotations: {
              'checksum/config': createHash('sha256').update(sparkDefaults).digest('hex').slice(0, 16),
            },
          },
          spec: {
            serviceAccountName: workload.serviceAccount,
            // No Kubernetes API access needed; the Pod Identity webhook mounts its own token for AWS.
            automountServiceAccountToken: false,
            ...systemPlacement(),
            securityContext: restrictedPodSecurityContext({
              runAsUser: SPARK_USER_ID,
              runAsGroup: SPARK_USER_ID,
              fsGroup: SPARK_USER_ID,
            }),
            containers: [
              {
                name: 'history-server',
                image: runtimeImage(env, 'spark-runtime', props.repoRoot),
                // tini forwards SIGTERM to the whole process group, so the JVM (a grandchild of the start script)
                // stops cleanly instead of being killed at the end of the grace period.
                command: ['/usr/bin/tini', '-g', '--', '/opt/spark/sbin/start-history-server.sh'],
                env: [
                  // Run in the foreground, logging to stdout, instead of forking a daemon.
                  { name: 'SPARK_NO_DAEMONIZE', value: 'true' },
                  { name: 'SPARK_CONF_DIR', value: SPARK_HISTORY_CONF_DIR },
                  { name: 'SPARK_DAEMON_MEMORY', value: DAEMON_MEMORY },
                  // The start script creates these; the root filesystem is read-only.
                  { name: 'SPARK_LOG_DIR', value: '/tmp/spark-logs' },
                  { name: 'SPARK_PID_DIR', value: '/tmp' },
                ],
                ports: [{ name: 'http', containerPort: SPARK_HISTORY_PORT, protocol: 'TCP' }],
                readinessProbe: {
                  httpGet: httpGet('/api/v1/version'),
                  initialDelaySeconds: 10,
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                  failureThreshold: 3,
                },
                livenessProbe: {
                  httpGet: httpGet('/api/v1/version'),
                  initialDelaySeconds: 60,
                  periodSeconds: 20,
                  timeoutSeconds: 5,
                  failureThreshold: 3,
                },
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString(MEMORY) },
                  limits: { cpu: k8s.Quantity.fromString('1'), memory: k8s.Quantity.fromString(MEMORY) },
                },
                securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: true }),
                volumeMounts: [
                  { name: 'conf', mountPath: SPARK_HISTORY_CONF_DIR, readOnly: true },
                  { name: TMP_VOLUME, mountPath: '/tmp' },
                  { name: WORK_DIR_VOLUME, mountPath: WORK_DIR_PATH },
                ],
              },
            ],
            volumes: [
              { name: 'conf', configMap: { name: SPARK_HISTORY_NAME } },
              { name: TMP_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
              { name: WORK_DIR_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
            ],
          },
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: SPARK_HISTORY_NAME, namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: labels,
        ports: [
          {
            name: 'http',
            port: SPARK_HISTORY_PORT,
            targetPort: k8s.IntOrString.fromString('http'),
            protocol: 'TCP',
          },
        ],
      },
    });

    if (replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: SPARK_HISTORY_NAME, namespace, labels },
        spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: labels } },
      });
    }
  }
}
