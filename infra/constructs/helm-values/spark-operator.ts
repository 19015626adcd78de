import {
  NAMESPACES,
  WORKLOADS,
  teamNamespace,
  type EnvironmentConfig,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  systemPlacement,
  type ContainerSecurityContext,
  type PodSecurityContext,
  type Toleration,
} from '../../../config';
import { highAvailability, replicasFor, resources, type Resources } from './common';

/** Values of a controller-runtime component of the Spark Operator chart 2.5 (controller or webhook). */
interface SparkOperatorComponent {
  readonly replicas: number;
  readonly logLevel: 'info';
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
  readonly podSecurityContext: PodSecurityContext;
  readonly securityContext: ContainerSecurityContext;
  readonly podDisruptionBudget: { readonly enable: boolean; readonly minAvailable: number };
  readonly serviceAccount: { readonly create: true; readonly name: string };
  readonly rbac: { readonly create: true };
}

/** The values of kubeflow/spark-operator 2.5.2 the kit sets. */
export interface SparkOperatorValues {
  readonly controller: SparkOperatorComponent & {
    readonly workers: number;
    readonly maxTrackedExecutorPerApp: number;
    readonly workqueueRateLimiter: { readonly bucketQPS: number; readonly bucketSize: number };
    readonly batchScheduler: { readonly enable: false };
    readonly uiService: { readonly enable: true };
  };
  readonly webhook: SparkOperatorComponent & {
    readonly enable: true;
    readonly failurePolicy: 'Fail';
    readonly timeoutSeconds: number;
  };
  readonly spark: {
    readonly jobNamespaces: readonly string[];
    readonly serviceAccount: { readonly create: false; readonly name: string };
    readonly rbac: { readonly create: false };
  };
  readonly prometheus: {
    readonly metrics: { readonly enable: true; readonly port: number; readonly endpoint: string };
    readonly podMonitor: { readonly create: false };
  };
}

/**
 * Reconcile workers of the controller. Sized for ≥ 100 SparkApplications a minute (1.7/s): the slow step of a
 * reconcile is the spark-submit JVM the controller forks (≈ 3–6 s), so ≈ 10 submissions are in flight at that rate;
 * 20 workers absorb the burst of cron schedules firing on the same minute without queueing.
 */
export const SPARK_OPERATOR_WORKERS = 20;

const component = (
  env: EnvironmentConfig,
  name: string,
  resourceValues: Resources,
): SparkOperatorComponent => ({
  replicas: replicasFor(env),
  logLevel: 'info',
  ...systemPlacement(),
  resources: resourceValues,
  podSecurityContext: restrictedPodSecurityContext(),
  securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: true }),
  podDisruptionBudget: { enable: highAvailability(env), minAvailable: 1 },
  serviceAccount: { create: true, name },
  rbac: { create: true },
});

/** Spark Operator: watches the ETL namespaces (shared and teams') only; webhook and metrics on; sized for 100 applications a minute. */
export function sparkOperatorValues(env: EnvironmentConfig): SparkOperatorValues {
  return {
    controller: {
      // Each in-flight spark-submit JVM takes ≈ 150–200 MiB; 20 of them fit under the 4 GiB limit.
      ...component(env, 'spark-operator-controller', resources('500m', '1Gi', '2', '4Gi')),
      workers: SPARK_OPERATOR_WORKERS,
      // Executor states are kept in the SparkApplication status; 1000 bounds the object well below etcd's 1.5 MiB
      // while covering the largest size preset. The chart exposes no API client QPS/burst: controller-runtime's
      // default (20 QPS, burst 30) covers ≈ 5 status writes per application, i.e. ≈ 8 writes/s at 100 apps/min.
      maxTrackedExecutorPerApp: 1000,
      // 50 items/s with a 500 burst: ≈ 3000 reconciles a minute, 3× what 100 apps/min generate.
      workqueueRateLimiter: { bucketQPS: 50, bucketSize: 500 },
      // Gang scheduling (Volcano or YuniKorn) is not installed; enabling it later is this flag plus
      // `kubeSchedulerNames`/`default`, and a `batchScheduler` field on the applications.
      batchScheduler: { enable: false },
      uiService: { enable: true },
    },
    webhook: {
      ...component(env, 'spark-operator-webhook', resources('100m', '128Mi', '500m', '256Mi')),
      enable: true,
      // Fail closed: a SparkApplication whose pods miss their mutations (volumes, tolerations) must not start.
      failurePolicy: 'Fail',
      timeoutSeconds: 10,
    },
    spark: {
      // The shared job namespace (ad-hoc runs) and every team's.
      jobNamespaces: [NAMESPACES.sparkJobs, ...env.teams.map(teamNamespace)],
      // The kit creates the job service account (IRSA) and its driver RBAC (k8s layer), so the chart creates neither.
      serviceAccount: { create: false, name: WORKLOADS.sparkJobRunner.serviceAccount },
      rbac: { create: false },
    },
    prometheus: {
      metrics: { enable: true, port: 8080, endpoint: '/metrics' },
      podMonitor: { create: false },
    },
  };
}
