/**
 * Every pinned version the kit deploys or builds on, in one place: Helm charts and the app versions run through them,
 * EKS and its managed add-ons, Terraform, the Athena engine, the Arc image and the spark-runtime stack. infra/ (Helm
 * releases, add-ons, stacks), k8s/ (sparkVersion of the SparkApplications), the upstream cache (CRD and schema paths),
 * `make pins` (the image definitions under etl/images/ and etl/local/requirements.in) and the README's "Supported
 * versions" table read them from here; nothing else spells a version.
 */

/** A Helm chart pinned to one version, with the app version its CRDs and defaults come from. */
export interface PinnedChart {
  /** Chart repository URL (https:// or oci://). */
  readonly repository: string;
  /** Chart name in that repository. */
  readonly chart: string;
  /** Exact chart version (no ranges). */
  readonly version: string;
  /** The chart's `appVersion` (Chart.yaml): the release whose CRDs the kit validates against. */
  readonly appVersion: string;
}

/** The charts the platform installs. */
export type PlatformChart =
  | 'aws-load-balancer-controller'
  | 'karpenter'
  | 'spark-operator'
  | 'argo-workflows'
  | 'jupyterhub'
  | 'argo-cd'
  | 'aws-for-fluent-bit'
  | 'external-secrets';

/**
 * Pinned charts, equal to ../shared/upstream/versions.json `charts` (a test compares them with the release record).
 * The Spark History Server has no official chart and is a Deployment of the k8s layer.
 */
export const CHART_VERSIONS: Readonly<Record<PlatformChart, PinnedChart>> = {
  'spark-operator': {
    repository: 'https://kubeflow.github.io/spark-operator',
    chart: 'spark-operator',
    version: '2.5.2',
    appVersion: '2.5.2',
  },
  'argo-workflows': {
    repository: 'https://argoproj.github.io/argo-helm',
    chart: 'argo-workflows',
    version: '1.0.18',
    appVersion: 'v4.0.6',
  },
  'argo-cd': {
    repository: 'https://argoproj.github.io/argo-helm',
    chart: 'argo-cd',
    version: '10.1.1',
    appVersion: 'v3.4.4',
  },
  jupyterhub: {
    repository: 'https://hub.jupyter.org/helm-chart/',
    chart: 'jupyterhub',
    version: '4.4.0',
    appVersion: '5.5.0',
  },
  karpenter: {
    repository: 'oci://public.ecr.aws/karpenter',
    chart: 'karpenter',
    version: '1.14.1',
    appVersion: '1.14.1',
  },
  'aws-load-balancer-controller': {
    repository: 'https://aws.github.io/eks-charts',
    chart: 'aws-load-balancer-controller',
    version: '3.5.0',
    appVersion: 'v3.5.0',
  },
  'aws-for-fluent-bit': {
    repository: 'https://aws.github.io/eks-charts',
    chart: 'aws-for-fluent-bit',
    version: '0.2.0',
    appVersion: '3.2.1',
  },
  'external-secrets': {
    repository: 'https://charts.external-secrets.io',
    chart: 'external-secrets',
    version: '2.9.0',
    appVersion: 'v2.9.0',
  },
};

/**
 * App versions run through a pinned chart's image tag values because they are newer than the chart's appVersion
 * (../shared/upstream/versions.json `apps`; a test compares them). Both are patch releases whose CRDs are identical
 * to the pinned ones, so the pinned charts and CRDs stay.
 */
export const APP_VERSIONS = {
  /** Argo CD v3.4.5–v3.4.7 fix secret exposures (masking, last-applied annotation, registry password on argv). */
  'argo-cd': 'v3.4.7',
  /** Argo Workflows v4.0.10: security dependency bumps over the chart's v4.0.6. */
  'argo-workflows': 'v4.0.10',
} as const;

/**
 * Kubernetes versions in EKS standard support (2026-12) that this kit has add-on pins for. 1.33 and 1.34 are in
 * extended support (billed extra) and are not accepted; upgrade such a cluster one minor version at a time.
 */
export const SUPPORTED_EKS_VERSIONS = ['1.35', '1.36'] as const;

/** The default EKS version (see ../shared/upstream/versions.json). */
export const DEFAULT_EKS_VERSION = '1.35';

/** The EKS managed add-ons the cluster runs. */
export type AddonName =
  'vpc-cni' | 'kube-proxy' | 'coredns' | 'eks-pod-identity-agent' | 'aws-ebs-csi-driver';

const CNI_VERSION = 'v1.22.4-eksbuild.3';
const POD_IDENTITY_AGENT_VERSION = 'v1.3.10-eksbuild.3';
/** v1.63.1 is the EBS CSI driver's security patch release; nothing older may be pinned (a test enforces it). */
const EBS_CSI_DRIVER_VERSION = 'v1.63.1-eksbuild.1';

/**
 * Pinned add-on versions per Kubernetes version (kube-proxy and CoreDNS follow the control plane's minor version;
 * the others support every version listed). Builds as published for 1.35 and 1.36 in 2026-12, read from public
 * cluster configurations, not from the EKS API (not reachable offline): confirm each with
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>` before the first apply and when
 * bumping (README "What stays unproven offline").
 */
export const ADDON_VERSIONS: Readonly<
  Record<(typeof SUPPORTED_EKS_VERSIONS)[number], Readonly<Record<AddonName, string>>>
> = {
  '1.35': {
    'vpc-cni': CNI_VERSION,
    'kube-proxy': 'v1.35.3-eksbuild.21',
    coredns: 'v1.14.3-eksbuild.3',
    'eks-pod-identity-agent': POD_IDENTITY_AGENT_VERSION,
    'aws-ebs-csi-driver': EBS_CSI_DRIVER_VERSION,
  },
  '1.36': {
    'vpc-cni': CNI_VERSION,
    'kube-proxy': 'v1.36.0-eksbuild.21',
    coredns: 'v1.14.3-eksbuild.16',
    'eks-pod-identity-agent': POD_IDENTITY_AGENT_VERSION,
    'aws-ebs-csi-driver': EBS_CSI_DRIVER_VERSION,
  },
};

/**
 * The AMI every Karpenter node boots: the EKS-optimized Amazon Linux 2023 AMI of the cluster's Kubernetes version, at
 * a pinned release (`al2023@latest` would roll every node whenever AWS publishes an AMI). Karpenter resolves the
 * alias through the public SSM parameter of that release; a new release is a deliberate change here (k8s/charts/karpenter-chart.ts reads it), after which
 * Karpenter replaces the nodes through drift, respecting disruption budgets and `karpenter.sh/do-not-disrupt`.
 */
export const KARPENTER_AMI_ALIAS = 'al2023@v20261118';

/** Terraform version every stack needs: S3-native state locking and `removed` blocks (1.7) need 1.10 or later. */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.10';

/** Terraform the platform runner installs (HashiCorp release, verified against HashiCorp's signed checksums). */
export const RUNNER_TERRAFORM_VERSION = '1.13.3';

/** CodeBuild's curated Amazon Linux 2023 image (AWS CLI v2, curl, gpg, unzip); CodeBuild tags it by major version. */
export const RUNNER_IMAGE = 'aws/codebuild/amazonlinux-x86_64-standard:5.0';

/** CodeBuild image of the image pipeline's arm64 (Graviton) builds: Amazon Linux 2023, aarch64. */
export const ARM64_BUILD_IMAGE = 'aws/codebuild/amazonlinux-aarch64-standard:3.0';
/** CodeBuild image of the amd64 builds and the manifest step: Amazon Linux 2023, x86_64. */
export const AMD64_BUILD_IMAGE = 'aws/codebuild/amazonlinux2-x86_64-standard:5.0';

/** Athena engine the workgroup is pinned to (an unpinned workgroup follows AWS's automatic upgrades). */
export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';

/**
 * The pinned Arc image the kit's arc-runtime and arc-notebook images build FROM (versions.json
 * `images.arc-used-by-the-original-guidance`: Arc 4.2.0 on Spark 3.3.4, Scala 2.12, Hadoop 3.3.2, image release
 * 4.2.1, slim variant, from ghcr.io/tripl-ai/arc). Pods run the kit-built images from ECR, never this one directly.
 * `make pins` writes it into both Dockerfiles.
 */
export const ARC_IMAGE = {
  image: 'ghcr.io/tripl-ai/arc:arc_4.2.0_spark_3.3.4_scala_2.12_hadoop_3.3.2_4.2.1_slim',
  /** Spark version inside that image (from its tag, `spark_3.3.4`): the `sparkVersion` of Arc's applications. */
  spark: '3.3.4',
} as const;

/**
 * The pinned versions of the spark-runtime stack (the kit's `sql` and `pyspark` jobs). Change them together; the
 * pairing rules of config/spark-runtime.ts (and its test) say how, and `make synth` refuses pins that break one.
 *
 * Line chosen (2026-12-03): Spark 4.1. The newest line, 4.2, has no `spark-hadoop-cloud_2.13` on Maven Central
 * (its metadata lists 4.0.0–4.0.2, 4.1.1, 4.1.2), and Delta's Python package caps PySpark at 4.2.0. Within 4.1,
 * 4.1.2 is the newest version for which every coordinate below is served: PySpark 4.1.3/4.1.4 exist on PyPI, but
 * spark-hadoop-cloud 4.1.4 does not. README "Supported versions" lists where each coordinate was checked.
 */
export const SPARK_RUNTIME = {
  /** Apache Spark release of the image, of PySpark for local runs and of the SparkApplications. */
  spark: '4.1.2',
  /** Scala binary version of that Spark build (Spark 4 is built for 2.13 only). */
  scala: '2.13',
  /** Java of the image (and what local runs require). */
  java: '17',
  /**
   * Official Apache Spark image: the full tag, because from Spark 4.1 the short tag (`4.1.2`) is the Java 21 build;
   * this is the Java 17, Python 3 build (apache/spark-docker `4.1.2/scala2.13-java17-python3-ubuntu`).
   */
  image: 'docker.io/apache/spark:4.1.2-scala2.13-java17-python3-ubuntu',
  /** Hadoop client inside that image (`spark-4.1.2-bin-hadoop3`: hadoop-client-api-3.4.2.jar). */
  imageHadoop: '3.4.2',
  /** Delta Lake release and its artifact for this Spark line (see config/spark-runtime.ts deltaSparkArtifact). */
  delta: { version: '4.4.0', artifact: 'delta-spark_4.1_2.13' },
  /** S3A connector; must equal {@link SPARK_RUNTIME.imageHadoop}. */
  hadoopAws: '3.4.2',
  /** AWS SDK v2 bundle; must be what hadoop-aws declares (`aws-java-sdk-v2.version` of hadoop-project). */
  awsSdkBundle: '2.29.52',
  /** hadoop-aws' other compile dependency (the S3 analytics accelerator), at the version hadoop-project declares. */
  analyticsAccelerator: '1.2.1',
  /** Spark's cloud committers; must equal {@link SPARK_RUNTIME.spark}. */
  sparkHadoopCloud: '4.1.2',
  /** Jupyter Docker Stacks' PySpark notebook of the same Spark release (JupyterHub's single-user image). */
  notebookImage: 'quay.io/jupyter/pyspark-notebook:spark-4.1.2',
  /** delta-spark on PyPI (the Python API of the same Delta release). */
  deltaPython: '4.4.0',
} as const;
