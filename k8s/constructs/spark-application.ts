import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type EnvironmentConfig,
  type Toleration,
  ARC_IMAGE,
  NAMESPACES,
  TEAM_LABEL_KEY,
  WORKLOADS,
  assetOf,
  assetUri,
  imageContextDir,
  runtimeImage,
  teamNamespace,
  teamOf,
  type Team,
  WORKFLOW_NAME_SUFFIX_LENGTH,
  type JobSpec,
  type PipelineSpec,
  type SparkResources,
  jobInvocation,
  testsInvocation,
  testsStepId,
  type InvocationValues,
  type JobInvocation,
  runtimeParameters,
  RESOURCE_SPARK_KEYS,
} from '../../config';
import {
  SparkApplication,
  SparkApplicationSpecMode,
  SparkApplicationSpecPythonVersion,
  SparkApplicationSpecRestartPolicyType,
  SparkApplicationSpecType,
  SparkApplicationSpecVolumesEmptyDirSizeLimit,
  type SparkApplicationSpecDriver,
  type SparkApplicationSpecExecutor,
} from '../../imports/spark-application-sparkoperator.k8s.io';
import { COMMON_LABELS, ENVIRONMENT_LABEL } from './environment-chart';
import {
  ARC_JAR,
  ARC_MAIN_CLASS,
  DRIVER_POOL,
  EXECUTOR_POOL,
  EXECUTOR_TERMINATION_GRACE_SECONDS,
  LOCAL_DIR_PATH,
  LOCAL_DIR_VOLUME,
  RUNTIME_PROFILES,
  SPARK_APPLICATION_TTL_SECONDS,
  TMP_SIZE_LIMIT,
  TMP_VOLUME,
  WORK_DIR_PATH,
  WORK_DIR_SIZE_LIMIT,
  WORK_DIR_VOLUME,
  defaultSparkConf,
  poolPlacement,
  sparkContainerSecurityContext,
  sparkPodSecurityContext,
  type RuntimeProfile,
} from './spark-defaults';

/** Label keys the kit puts on SparkApplications and their pods. */
export const PIPELINE_LABEL = 'sql-etl-on-eks/pipeline';
/** Label key of the job id. */
export const JOB_LABEL = 'sql-etl-on-eks/job';
/** Argo's own label for "created by this workflow"; `argo` CLI and UI use it to find the objects of a run. */
export const WORKFLOW_LABEL = 'workflows.argoproj.io/workflow';

/**
 * The per-run runtime parameters, as Argo variables resolved when the workflow starts: `EPOCH` in Unix seconds and
 * `CURRENT_TIMESTAMP` in RFC 3339, both of the workflow's creation (a scheduled run's creation is its schedule tick,
 * and every job of a run sees the same values, also on retries).
 */
export const PER_RUN_VALUES: Readonly<Record<'EPOCH' | 'CURRENT_TIMESTAMP', string>> = {
  EPOCH: '{{workflow.creationTimestamp.s}}',
  CURRENT_TIMESTAMP: '{{workflow.creationTimestamp.RFC3339}}',
};

/** The SparkApplication name inside a workflow: `{{workflow.name}}-<job id>` (Argo substitutes the name). */
export function sparkApplicationName(job: Pick<JobSpec, 'id'>): string {
  return `{{workflow.name}}-${job.id}`;
}

/** Driver or executor of a rendered {@link SparkApplicationObject}. */
export interface RenderedSparkPod {
  readonly cores?: number;
  readonly coreRequest: string;
  readonly coreLimit: string;
  readonly memory: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly podSecurityContext: ReturnType<typeof sparkPodSecurityContext>;
  readonly securityContext: ReturnType<typeof sparkContainerSecurityContext>;
  readonly volumeMounts: readonly { readonly name: string; readonly mountPath: string }[];
  readonly terminationGracePeriodSeconds?: number;
  readonly template: {
    readonly spec: {
      readonly containers: readonly {
        readonly name: string;
        readonly resources: { readonly requests: Readonly<Record<string, string>> };
      }[];
    };
  };
}

/** A SparkApplication as rendered (JSON form of `SparkApplication.manifest`), the shape the kit produces. */
export interface SparkApplicationObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  readonly spec: {
    readonly type: string;
    readonly pythonVersion?: string;
    readonly mode: string;
    readonly sparkVersion: string;
    readonly image: string;
    readonly imagePullPolicy: string;
    readonly mainApplicationFile: string;
    readonly mainClass?: string;
    readonly arguments: readonly string[];
    readonly sparkConf: Readonly<Record<string, string>>;
    readonly restartPolicy: {
      readonly type: string;
      readonly onFailureRetries: number;
      readonly onFailureRetryInterval: number;
      readonly onSubmissionFailureRetries: number;
      readonly onSubmissionFailureRetryInterval: number;
    };
    readonly timeToLiveSeconds: number;
    readonly volumes: readonly { readonly name: string; readonly emptyDir: { readonly sizeLimit: string } }[];
    readonly driver: RenderedSparkPod;
    readonly executor: RenderedSparkPod;
  };
}

/** Options of {@link buildSparkApplication}: one application, independent of where its values come from. */
export interface SparkApplicationOptions {
  /** The environment. */
  readonly env: EnvironmentConfig;
  /** `metadata.name`; may hold Argo variables. */
  readonly name: string;
  /** Labels of the application and its pods (besides the kit's common labels). */
  readonly labels: Readonly<Record<string, string>>;
  /** How the image behaves. */
  readonly profile: RuntimeProfile;
  /** Pinned image reference; may be an Argo variable. */
  readonly image: string;
  /** `spec.mainApplicationFile`. */
  readonly mainApplicationFile: string;
  /** `spec.mainClass` (Scala only). @default - none */
  readonly mainClass?: string;
  /** Application arguments, in order. */
  readonly arguments: readonly string[];
  /** Driver and executor resources; decide requests, dynamic allocation bounds and local storage. */
  readonly resources: SparkResources;
  /** Spark properties merged over the kit's defaults (they win). @default {} */
  readonly sparkConf?: Readonly<Record<string, string>>;
  /**
   * Executor cores and memory as strings that Argo fills in at submission (ad-hoc runs); replace the typed values
   * of `resources.executor`. @default - from `resources`
   */
  readonly executorOverride?: { readonly cores: string; readonly memory: string };
  /**
   * The owning team: the application runs in its namespace, on its node pools, with its team label and its tables
   * under its own prefix. @default - the shared job namespace and pools
   */
  readonly team?: Team;
}

function cpuFields(cores: number): { cores: number; coreRequest: string; coreLimit: string } {
  // `cores` is Spark's task slot count (an integer); the request may be fractional, the limit caps at whole cores.
  return {
    cores: Math.max(1, Math.ceil(cores)),
    coreRequest: `${Math.round(cores * 1000)}m`,
    coreLimit: String(Math.max(1, Math.ceil(cores))),
  };
}

/** Pod template for what the operator has no field for: the ephemeral-storage request of the Spark container. */
function ephemeralStorageTemplate(container: string, localStorage: string) {
  return {
    spec: {
      containers: [{ name: container, resources: { requests: { 'ephemeral-storage': localStorage } } }],
    },
  };
}

/**
 * A SparkApplication (sparkoperator.k8s.io/v1beta2) as a plain object, for embedding in an Argo resource template.
 * Carries every default of spark-defaults.ts: placement, security contexts, local storage, restart policy, TTL.
 */
export function buildSparkApplication(options: SparkApplicationOptions): SparkApplicationObject {
  const { env, profile, resources, team } = options;
  // Cost allocation: team, pipeline, job and environment on every pod (AWS split cost allocation groups by them).
  const labels = {
    ...COMMON_LABELS,
    [ENVIRONMENT_LABEL]: env.name,
    ...(team === undefined ? {} : { [TEAM_LABEL_KEY]: team.name }),
    ...options.labels,
  };
  const namespace = team === undefined ? NAMESPACES.sparkJobs : teamNamespace(team);
  const volumeMounts = [
    { name: LOCAL_DIR_VOLUME, mountPath: LOCAL_DIR_PATH },
    { name: TMP_VOLUME, mountPath: '/tmp' },
    ...(profile.readOnlyRootFilesystem ? [{ name: WORK_DIR_VOLUME, mountPath: WORK_DIR_PATH }] : []),
  ];
  const emptyDir = (name: string, sizeLimit: string) => ({
    name,
    emptyDir: { sizeLimit: SparkApplicationSpecVolumesEmptyDirSizeLimit.fromString(sizeLimit) },
  });
  const serviceAccount = WORKLOADS.sparkJobRunner.serviceAccount;
  const common = {
    labels,
    serviceAccount,
    podSecurityContext: sparkPodSecurityContext(),
    securityContext: sparkContainerSecurityContext(profile),
    volumeMounts,
  };
  const driverPlacement = poolPlacement(DRIVER_POOL, profile.architectures, team?.name);
  const driver: SparkApplicationSpecDriver = {
    ...common,
    ...cpuFields(resources.driver.cores),
    memory: resources.driver.memory,
    // Karpenter must not consolidate a node away under a running driver: the whole application would fail.
    annotations: { 'karpenter.sh/do-not-disrupt': 'true' },
    nodeSelector: driverPlacement.nodeSelector,
    tolerations: driverPlacement.tolerations,
    template: ephemeralStorageTemplate('spark-kubernetes-driver', resources.localStorage),
  };
  const executorPlacement = poolPlacement(EXECUTOR_POOL, profile.architectures, team?.name);
  const override = options.executorOverride;
  const executor: SparkApplicationSpecExecutor = {
    ...common,
    ...(override === undefined
      ? { ...cpuFields(resources.executor.cores), memory: resources.executor.memory }
      : { coreRequest: override.cores, coreLimit: override.cores, memory: override.memory }),
    nodeSelector: executorPlacement.nodeSelector,
    tolerations: executorPlacement.tolerations,
    terminationGracePeriodSeconds: EXECUTOR_TERMINATION_GRACE_SECONDS,
    template: ephemeralStorageTemplate('spark-kubernetes-executor', resources.localStorage),
  };
  return SparkApplication.manifest({
    metadata: { name: options.name, namespace, labels },
    spec: {
      type: profile.type === 'Scala' ? SparkApplicationSpecType.SCALA : SparkApplicationSpecType.PYTHON,
      ...(profile.type === 'Python' ? { pythonVersion: SparkApplicationSpecPythonVersion.VALUE_3 } : {}),
      mode: SparkApplicationSpecMode.CLUSTER,
      sparkVersion: profile.sparkVersion,
      image: options.image,
      imagePullPolicy: 'IfNotPresent',
      mainApplicationFile: options.mainApplicationFile,
      ...(options.mainClass === undefined ? {} : { mainClass: options.mainClass }),
      arguments: [...options.arguments],
      sparkConf: { ...defaultSparkConf(env, resources, profile, team), ...(options.sparkConf ?? {}) },
      // Bounded retries by the operator for a failed run or submission; Argo retries only infrastructure errors.
      restartPolicy: {
        type: SparkApplicationSpecRestartPolicyType.ON_FAILURE,
        onFailureRetries: 2,
        onFailureRetryInterval: 30,
        onSubmissionFailureRetries: 3,
        onSubmissionFailureRetryInterval: 30,
      },
      timeToLiveSeconds: SPARK_APPLICATION_TTL_SECONDS,
      volumes: [
        // Disk-backed scratch sized by the preset; no hostPath (the restricted Pod Security Standard forbids it).
        emptyDir(LOCAL_DIR_VOLUME, resources.localStorage),
        emptyDir(TMP_VOLUME, TMP_SIZE_LIMIT),
        ...(profile.readOnlyRootFilesystem ? [emptyDir(WORK_DIR_VOLUME, WORK_DIR_SIZE_LIMIT)] : []),
      ],
      driver,
      executor,
    },
  }) as SparkApplicationObject;
}

function where(pipeline: PipelineSpec, job: JobSpec): string {
  return `pipeline ${pipeline.file}: job '${job.id}'`;
}

/** The image a job runs: the kit-built runtime image of its runtime, pinned to the content version of its context. */
export function jobImage(
  env: EnvironmentConfig,
  pipeline: PipelineSpec,
  job: JobSpec,
  repoRoot: string,
): string {
  const image = job.runtime === 'arc' ? 'arc-runtime' : 'spark-runtime';
  if (!fs.existsSync(path.join(repoRoot, imageContextDir(image)))) {
    const what =
      image === 'arc-runtime'
        ? `the kit's arc-runtime image, built from ${ARC_IMAGE.image}`
        : "the kit's spark-runtime image";
    throw new Error(
      `${where(pipeline, job)} runs on ${job.runtime} and needs ${what}, but its build context ` +
        `${imageContextDir(image)}/ is missing; add its Dockerfile there`,
    );
  }
  return runtimeImage(env, image, repoRoot);
}

/** `s3a://` URI of an uploaded file under etl/. */
function etlAssetUri(env: EnvironmentConfig, repoRoot: string, file: string): string {
  return assetUri(env, assetOf(repoRoot, file));
}

/**
 * The cluster's values of a job invocation: Argo's per-run variables, the environment's runtime parameters, files
 * at their uploaded s3a URIs, Arc inside the arc-runtime image, Arc tags naming the workflow run and pod.
 */
export function clusterInvocationValues(
  env: EnvironmentConfig,
  repoRoot: string,
  team?: Team,
): InvocationValues {
  return {
    runtime: { ...PER_RUN_VALUES, ...runtimeParameters(env, team) },
    fileUri: (file) => etlAssetUri(env, repoRoot, file),
    defaultArcEnvironment: env.name,
    arcRunTags: [
      ['workflow', '{{workflow.uid}}'],
      ['pod', '{{pod.name}}'],
      ['namespace', team === undefined ? NAMESPACES.sparkJobs : teamNamespace(team)],
    ],
    arcApplication: { jar: ARC_JAR, mainClass: ARC_MAIN_CLASS },
  };
}

/** The cluster invocation of a job (config/pipelines/invocation.ts with {@link clusterInvocationValues}). */
export function clusterJobInvocation(
  env: EnvironmentConfig,
  pipeline: PipelineSpec,
  job: JobSpec,
  repoRoot: string,
): JobInvocation {
  return jobInvocation(pipeline, job, clusterInvocationValues(env, repoRoot, teamOf(env, pipeline.owner)));
}

/** The application arguments of a job on the cluster, per runtime. */
export function jobArguments(
  env: EnvironmentConfig,
  pipeline: PipelineSpec,
  job: JobSpec,
  repoRoot: string,
): string[] {
  return [...clusterJobInvocation(env, pipeline, job, repoRoot).arguments];
}

/**
 * The SparkApplication of one pipeline job, for embedding in the pipeline's WorkflowTemplate: name
 * `{{workflow.name}}-<job id>`, the job's runtime image, arguments and resources, the kit's defaults with the job's
 * `sparkConf` over them.
 */
export function sparkApplicationManifest(
  env: EnvironmentConfig,
  pipeline: PipelineSpec,
  job: JobSpec,
  repoRoot: string,
  step: 'job' | 'tests' = 'job',
): SparkApplicationObject {
  const id = step === 'job' ? job.id : testsStepId(job);
  const longest = pipeline.name.length + WORKFLOW_NAME_SUFFIX_LENGTH + 1 + id.length;
  if (longest > 63) {
    // The operator labels the pods with the application name; label values hold at most 63 characters.
    throw new Error(
      `${where(pipeline, job)}: the SparkApplication name '<workflow>-${id}' can reach ${longest} characters ` +
        `(pipeline name + ${WORKFLOW_NAME_SUFFIX_LENGTH} for Argo's run suffix + job id); Kubernetes allows 63. ` +
        'Shorten the pipeline name or the job id',
    );
  }
  const reserved = RESOURCE_SPARK_KEYS.filter((key) => key in job.sparkConf);
  if (reserved.length > 0) {
    throw new Error(
      `${where(pipeline, job)}: sparkConf sets ${reserved.join(', ')}; use size: or resources: instead`,
    );
  }
  // A job's data tests run on the SQL runner whatever the job's runtime (they read what it wrote).
  const invocation =
    step === 'job'
      ? clusterJobInvocation(env, pipeline, job, repoRoot)
      : testsInvocation(pipeline, job, clusterInvocationValues(env, repoRoot, teamOf(env, pipeline.owner)));
  const runner: JobSpec = step === 'job' ? job : { ...job, runtime: 'sql' };
  const profile = RUNTIME_PROFILES[runner.runtime];
  return buildSparkApplication({
    env,
    name: sparkApplicationName({ id }),
    labels: { [PIPELINE_LABEL]: pipeline.name, [JOB_LABEL]: id, [WORKFLOW_LABEL]: '{{workflow.name}}' },
    profile,
    image: jobImage(env, pipeline, runner, repoRoot),
    mainApplicationFile: invocation.mainApplicationFile,
    ...(invocation.mainClass === undefined ? {} : { mainClass: invocation.mainClass }),
    arguments: invocation.arguments,
    resources: job.resources,
    sparkConf: invocation.sparkConf,
    team: teamOf(env, pipeline.owner),
  });
}
