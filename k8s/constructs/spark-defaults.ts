import {
  type EnvironmentConfig,
  ARC_IMAGE,
  ARCH_LABEL_KEY,
  ETL_IMAGE_ARCHITECTURES,
  NODE_POOLS,
  S3_PREFIXES,
  SPARK_RUNTIME as SPARK_RUNTIME_PINS,
  TEAM_LABEL_KEY,
  datalakeBucketName,
  restrictedPodSecurityContext,
  tolerationOf,
  type Toleration,
  teamTaint,
  type Architecture,
  type NodePoolPlacement,
  type Team,
  type Runtime,
  type SparkResources,
} from '../../config';

/**
 * What every Spark application the kit creates gets unless a job's `sparkConf` says otherwise: placement (drivers
 * on on-demand, executors on spot), graceful decommissioning, dynamic allocation, the S3A magic committer, event
 * logs for the History Server, encryption and authentication between driver and executors.
 */

/** Arc's entry point. */
export const ARC_MAIN_CLASS = 'ai.tripl.arc.ARC';
/** Arc's jar inside the image (the Arc Dockerfile symlinks `arc_<scala>-<version>.jar` to this path). */
export const ARC_JAR = 'local:///opt/spark/jars/arc.jar';

/**
 * UID and GID Spark containers run as: `spark` (185) in the Apache Spark images. The Arc image ends as `USER root`,
 * so the pod security context sets the user explicitly for every runtime.
 */
export const SPARK_USER_ID = 185;

/** The emptyDir Spark uses for shuffle and spill: volumes named `spark-local-dir-*` become `spark.local.dir`. */
export const LOCAL_DIR_VOLUME = 'spark-local-dir-1';
/** Where {@link LOCAL_DIR_VOLUME} is mounted. */
export const LOCAL_DIR_PATH = '/var/spark/local-dir-1';
/** Writable scratch at /tmp (JVM temp files, downloaded application files) on a read-only root filesystem. */
export const TMP_VOLUME = 'tmp';
/** Size limit of {@link TMP_VOLUME}. */
export const TMP_SIZE_LIMIT = '2Gi';
/** Spark's working directory in the Apache Spark images; written by spark-submit on a read-only root. */
export const WORK_DIR_VOLUME = 'work-dir';
/** Where {@link WORK_DIR_VOLUME} is mounted (WORKDIR of apache/spark). */
export const WORK_DIR_PATH = '/opt/spark/work-dir';
/** Size limit of {@link WORK_DIR_VOLUME}. */
export const WORK_DIR_SIZE_LIMIT = '1Gi';

/**
 * Seconds a finished SparkApplication is kept (status, driver logs through the operator) before the operator deletes
 * it. Equals the workflow's TTL after failure; after success the workflow's deletion removes it earlier through the
 * owner reference.
 */
export const SPARK_APPLICATION_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Seconds an executor gets between the spot interruption (Karpenter drains the node) and being killed: enough for
 * Spark's decommissioning to move shuffle and cached blocks to surviving executors (spot gives two minutes).
 */
export const EXECUTOR_TERMINATION_GRACE_SECONDS = 120;

/** Spark properties owned by `resources:` in the pipeline YAML (defined in config/, which the loader checks with). */

/** How one runtime's image behaves: Spark and Hadoop versions decide class names and what the image can do. */
export interface RuntimeProfile {
  /** SparkApplication `spec.type`. */
  readonly type: 'Scala' | 'Python';
  /** Spark version inside the image (SparkApplication `spec.sparkVersion`). */
  readonly sparkVersion: string;
  /**
   * S3A credentials provider for IRSA. Arc bundles Hadoop 3.3 with AWS SDK v1; the spark-runtime image has Hadoop
   * 3.4 with SDK v2, whose S3A accepts the v2 class.
   */
  readonly credentialsProvider: string;
  /**
   * Spark's cloud committers (spark-hadoop-cloud) are on the classpath, so Spark's file writes go through the S3A
   * magic committer. The spark-runtime image ships them; Arc's image does not: there the S3A magic committer is still
   * configured for Hadoop output formats, Spark's own writes keep the default protocol, and Delta writes (the
   * samples) commit through the Delta log, which needs no committer.
   */
  readonly cloudCommitters: boolean;
  /**
   * Delta Lake session extension and catalog are configured. Both images ship Delta Lake; the operator mounts its
   * configuration over the image's spark-defaults.conf, so the kit must set them.
   */
  readonly deltaLake: boolean;
  /**
   * The container runs with a read-only root filesystem. True for the spark-runtime image (its writable paths are
   * emptyDirs); false for Arc, whose working directory is /opt/spark (Spark's Derby metastore and similar files land
   * there) and whose image layout the kit does not control.
   */
  readonly readOnlyRootFilesystem: boolean;
  /**
   * CPU architectures the runtime image is built for (config/images.ts ETL_IMAGE_ARCHITECTURES); its pods select
   * them when their pool launches more.
   */
  readonly architectures: readonly Architecture[];
}

/** Spark version of the spark-runtime image (config/spark-runtime.ts). */
export const SPARK_RUNTIME_SPARK_VERSION: string = SPARK_RUNTIME_PINS.spark;

const SPARK_RUNTIME: RuntimeProfile = {
  type: 'Python',
  sparkVersion: SPARK_RUNTIME_SPARK_VERSION,
  credentialsProvider: 'software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider',
  cloudCommitters: true,
  deltaLake: true,
  readOnlyRootFilesystem: true,
  architectures: ETL_IMAGE_ARCHITECTURES['spark-runtime'],
};

/** The profile of each job runtime. */
export const RUNTIME_PROFILES: Readonly<Record<Runtime, RuntimeProfile>> = {
  arc: {
    type: 'Scala',
    sparkVersion: ARC_IMAGE.spark,
    // Arc's AWS SDK v1 predates EKS Pod Identity: IRSA's web identity token is the only way in.
    credentialsProvider: 'com.amazonaws.auth.WebIdentityTokenCredentialsProvider',
    cloudCommitters: false,
    deltaLake: true,
    readOnlyRootFilesystem: false,
    // ghcr.io/tripl-ai/arc is amd64 only: Arc pods stay on x86 nodes of their pools.
    architectures: ETL_IMAGE_ARCHITECTURES['arc-runtime'],
  },
  sql: SPARK_RUNTIME,
  pyspark: SPARK_RUNTIME,
};

/** `s3a://<datalake>/<prefix>`: a prefix of the data lake bucket in Hadoop's scheme. */
export function datalakeUri(env: EnvironmentConfig, prefix: string): string {
  return `s3a://${datalakeBucketName(env)}/${prefix}`;
}

/**
 * The kit's Spark properties for one application. A job's `sparkConf` is merged over these by the caller.
 */
export function defaultSparkConf(
  env: EnvironmentConfig,
  resources: SparkResources,
  profile: RuntimeProfile,
  team?: Team,
): Record<string, string> {
  const { minInstances, maxInstances } = resources.executor;
  const conf: Record<string, string> = {
    // Spot interruptions: executors hand their shuffle and cached blocks to peers before they go.
    'spark.decommission.enabled': 'true',
    'spark.storage.decommission.enabled': 'true',
    'spark.storage.decommission.shuffleBlocks.enabled': 'true',
    'spark.storage.decommission.rddBlocks.enabled': 'true',
    // Shuffle tracking replaces the external shuffle service, which Kubernetes does not have.
    ...(minInstances === maxInstances
      ? { 'spark.dynamicAllocation.enabled': 'false', 'spark.executor.instances': String(minInstances) }
      : {
          'spark.dynamicAllocation.enabled': 'true',
          'spark.dynamicAllocation.shuffleTracking.enabled': 'true',
          'spark.dynamicAllocation.minExecutors': String(minInstances),
          'spark.dynamicAllocation.initialExecutors': String(minInstances),
          'spark.dynamicAllocation.maxExecutors': String(maxInstances),
        }),
    'spark.eventLog.enabled': 'true',
    'spark.eventLog.dir': datalakeUri(env, S3_PREFIXES.sparkEventLogs),
    'spark.authenticate': 'true',
    'spark.network.crypto.enabled': 'true',
    'spark.io.encryption.enabled': 'true',
    // Local dirs are the disk-backed spark-local-dir-1 emptyDir; memory-backed tmpfs would count against the limit.
    'spark.kubernetes.local.dirs.tmpfs': 'false',
    'spark.hadoop.fs.s3a.aws.credentials.provider': profile.credentialsProvider,
  };
  Object.assign(conf, {
    // The magic committer writes straight to the destination and commits by completing multipart uploads: no
    // rename, which S3 does not have. Part of hadoop-aws in both images (Hadoop 3.3 and 3.4).
    'spark.hadoop.fs.s3a.committer.name': 'magic',
    'spark.hadoop.fs.s3a.committer.magic.enabled': 'true',
    'spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a':
      'org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory',
  });
  if (profile.cloudCommitters) {
    Object.assign(conf, {
      'spark.sql.sources.commitProtocolClass': 'org.apache.spark.internal.io.cloud.PathOutputCommitProtocol',
      'spark.sql.parquet.output.committer.class':
        'org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter',
    });
  }
  if (profile.deltaLake) {
    Object.assign(conf, {
      'spark.sql.extensions': 'io.delta.sql.DeltaSparkSessionExtension',
      'spark.sql.catalog.spark_catalog': 'org.apache.spark.sql.delta.catalog.DeltaCatalog',
      // A team's tables go under its own prefix (the only one its role may write); the shared namespace keeps warehouse/.
      'spark.sql.warehouse.dir': datalakeUri(
        env,
        team === undefined ? S3_PREFIXES.tables : team.owns.prefixes[0],
      ),
    });
  }
  return conf;
}

/**
 * nodeSelector and tolerations that place a pod on one of the kit's NodePools (and only there); with
 * `architectures`, also on that architecture when the pool launches others too (an image built for amd64 only).
 */
export function poolPlacement(
  pool: NodePoolPlacement,
  architectures: readonly Architecture[] = pool.architectures,
  team?: string,
): {
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
} {
  const usable = pool.architectures.filter((arch) => architectures.includes(arch));
  if (usable.length === 0) {
    throw new Error(
      `pool ${pool.name} launches ${pool.architectures.join(', ')}, none of the image's architectures ` +
        `(${architectures.join(', ')}); build the image for one of them or add it to the pool`,
    );
  }
  // A selector can name one value: with several usable architectures the pool's own requirement suffices.
  const arch: Record<string, string> =
    usable.length === 1 && usable.length < pool.architectures.length ? { [ARCH_LABEL_KEY]: usable[0] } : {};
  // A team's pods select its own NodePool cut from this pool (same pool label, plus the team label and taint).
  const teamTaints = team === undefined ? [] : [teamTaint(team)];
  return {
    nodeSelector: {
      [pool.label.key]: pool.label.value,
      ...arch,
      ...(team === undefined ? {} : { [TEAM_LABEL_KEY]: team }),
    },
    tolerations: [pool.taint, ...teamTaints].map(tolerationOf),
  };
}

/** Spark drivers: on-demand capacity; losing the driver loses the application. */
export const DRIVER_POOL = NODE_POOLS.sparkDriver;
/** Spark executors: spot first, with decommissioning to survive interruptions. */
export const EXECUTOR_POOL = NODE_POOLS.sparkExecutor;

/** Pod security context every Spark pod gets (restricted Pod Security Standard). */
export function sparkPodSecurityContext() {
  return restrictedPodSecurityContext({
    runAsUser: SPARK_USER_ID,
    runAsGroup: SPARK_USER_ID,
    fsGroup: SPARK_USER_ID,
  });
}

/** Container security context every Spark container gets. */
export function sparkContainerSecurityContext(profile: RuntimeProfile) {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: profile.readOnlyRootFilesystem,
    runAsNonRoot: true,
  };
}
