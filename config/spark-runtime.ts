import { SPARK_RUNTIME } from './versions';

/**
 * The rules the spark-runtime stack's pins (config/versions.ts SPARK_RUNTIME) must keep, and what is derived from
 * them: the image's Dockerfile and jars.txt (`make pins` writes them; synth refuses stale copies), the local PySpark
 * lock (checked by a test), the SparkApplications' `sparkVersion`, the notebook image and the docs.
 */

/** Maven Central coordinate `group:artifact:version`. */
export interface MavenCoordinate {
  readonly group: string;
  readonly artifact: string;
  readonly version: string;
}

/**
 * Upstream facts the pairing rules check against, each read from the release named (not from this kit's pins).
 * Add a row when moving a version; a version without a row fails the pairing test.
 */
export const UPSTREAM_FACTS = {
  /** Spark release → its Hadoop client (spark-parent_2.13 pom `hadoop.version`, and the PySpark sdist's jars). */
  sparkHadoop: { '4.0.4': '3.4.1', '4.1.2': '3.4.2', '4.2.0': '3.5.0' } as Readonly<Record<string, string>>,
  /** hadoop-aws release → AWS SDK v2 bundle it declares (hadoop-project pom `aws-java-sdk-v2.version`). */
  hadoopAwsSdkBundle: { '3.4.1': '2.24.6', '3.4.2': '2.29.52', '3.5.0': '2.35.4' } as Readonly<
    Record<string, string>
  >,
  /** hadoop-aws release → analyticsaccelerator-s3 it declares (`amazon-s3-analyticsaccelerator-s3.version`). */
  hadoopAwsAnalyticsAccelerator: { '3.4.2': '1.2.1', '3.5.0': '1.3.1' } as Readonly<Record<string, string>>,
  /**
   * Delta release → Spark lines it is built for (release notes: "Delta Spark 4.4.0 is built for Apache Spark 4.2.0,
   * 4.1.0 and 4.0.1"), and the line its unsuffixed artifact targets.
   */
  deltaSparkLines: {
    '4.0.1': { lines: ['4.0'], unsuffixed: '4.0' },
    '4.4.0': { lines: ['4.0', '4.1', '4.2'], unsuffixed: '4.2' },
  } as Readonly<Record<string, { readonly lines: readonly string[]; readonly unsuffixed: string }>>,
} as const;

/** `4.1.2` → `4.1`. */
export function sparkLine(version: string): string {
  const match = /^(\d+)\.(\d+)\.\d+$/.exec(version);
  if (match === null) throw new Error(`Spark version '${version}': expected MAJOR.MINOR.PATCH`);
  return `${match[1]}.${match[2]}`;
}

/**
 * The delta-spark artifact for a Spark version and Delta release. Before Delta 4.1 there is one artifact per Scala
 * version (`delta-spark_2.13`); from 4.1 that name targets the release's default Spark line and each supported line
 * has its own (`delta-spark_4.1_2.13`). The kit always names the line explicitly, so a Delta bump that moves the
 * default line cannot silently change which Spark the jar was built for.
 */
export function deltaSparkArtifact(sparkVersion: string, deltaVersion: string, scala: string): string {
  const [major, minor] = deltaVersion.split('.').map(Number);
  if (major < 4 || (major === 4 && minor < 1)) return `delta-spark_${scala}`;
  return `delta-spark_${sparkLine(sparkVersion)}_${scala}`;
}

/** Pins of the same shape as {@link SPARK_RUNTIME} (tests pass modified copies). */
export type SparkRuntimePins = {
  readonly [K in keyof typeof SPARK_RUNTIME]: (typeof SPARK_RUNTIME)[K] extends string
    ? string
    : { readonly [P in keyof (typeof SPARK_RUNTIME)[K]]: string };
};

/**
 * Every pairing rule the pins break, one message each (empty when they fit together). `make synth` fails on any.
 * The rules: the Delta artifact is the one for the Spark line and the Delta release is built for that line;
 * hadoop-aws equals the image's Hadoop client, which is the one the Spark release ships; the SDK bundle (and the
 * analytics accelerator) are what that hadoop-aws declares; spark-hadoop-cloud equals the Spark version; the image,
 * the notebook image and delta-spark on PyPI name the same releases.
 */
export function sparkRuntimeViolations(pins: SparkRuntimePins = SPARK_RUNTIME): string[] {
  const where = 'config/versions.ts SPARK_RUNTIME';
  const problems: string[] = [];
  const line = sparkLine(pins.spark);
  const artifact = deltaSparkArtifact(pins.spark, pins.delta.version, pins.scala);
  if (pins.delta.artifact !== artifact) {
    problems.push(
      `${where}.delta.artifact: '${pins.delta.artifact}' does not match Spark ${pins.spark}; Delta ` +
        `${pins.delta.version} publishes '${artifact}' for Spark ${line}`,
    );
  }
  const delta = UPSTREAM_FACTS.deltaSparkLines[pins.delta.version];
  if (delta === undefined) {
    problems.push(
      `${where}.delta.version: no record of the Spark lines Delta ${pins.delta.version} is built for; add it to ` +
        'UPSTREAM_FACTS.deltaSparkLines from the Delta release notes',
    );
  } else if (!delta.lines.includes(line)) {
    problems.push(
      `${where}.delta.version: Delta ${pins.delta.version} is built for Spark ${delta.lines.join(', ')}, not ` +
        `${line}; choose a Delta release for Spark ${line}`,
    );
  }
  const shipped = UPSTREAM_FACTS.sparkHadoop[pins.spark];
  if (shipped === undefined) {
    problems.push(
      `${where}.spark: no record of the Hadoop client Spark ${pins.spark} ships; add it to ` +
        'UPSTREAM_FACTS.sparkHadoop (spark-parent pom hadoop.version)',
    );
  } else if (pins.imageHadoop !== shipped) {
    problems.push(
      `${where}.imageHadoop: '${pins.imageHadoop}', but Spark ${pins.spark} ships Hadoop ${shipped}`,
    );
  }
  if (pins.hadoopAws !== pins.imageHadoop) {
    problems.push(
      `${where}.hadoopAws: '${pins.hadoopAws}' must equal the image's Hadoop client '${pins.imageHadoop}'`,
    );
  }
  const bundle = UPSTREAM_FACTS.hadoopAwsSdkBundle[pins.hadoopAws];
  if (bundle === undefined) {
    problems.push(
      `${where}.hadoopAws: no record of the AWS SDK bundle hadoop-aws ${pins.hadoopAws} declares; add it to ` +
        'UPSTREAM_FACTS.hadoopAwsSdkBundle (hadoop-project pom aws-java-sdk-v2.version)',
    );
  } else if (pins.awsSdkBundle !== bundle) {
    problems.push(
      `${where}.awsSdkBundle: '${pins.awsSdkBundle}', but hadoop-aws ${pins.hadoopAws} declares bundle ${bundle}`,
    );
  }
  const accelerator = UPSTREAM_FACTS.hadoopAwsAnalyticsAccelerator[pins.hadoopAws];
  if (accelerator !== undefined && pins.analyticsAccelerator !== accelerator) {
    problems.push(
      `${where}.analyticsAccelerator: '${pins.analyticsAccelerator}', but hadoop-aws ${pins.hadoopAws} declares ` +
        `analyticsaccelerator-s3 ${accelerator}`,
    );
  }
  if (pins.sparkHadoopCloud !== pins.spark) {
    problems.push(
      `${where}.sparkHadoopCloud: '${pins.sparkHadoopCloud}' must equal the Spark version '${pins.spark}'`,
    );
  }
  if (!pins.image.endsWith(`:${pins.spark}-scala${pins.scala}-java${pins.java}-python3-ubuntu`)) {
    problems.push(
      `${where}.image: '${pins.image}' is not the Spark ${pins.spark}, Scala ${pins.scala}, Java ${pins.java}, ` +
        `Python 3 build; use docker.io/apache/spark:${pins.spark}-scala${pins.scala}-java${pins.java}-python3-ubuntu`,
    );
  }
  if (!pins.notebookImage.endsWith(`:spark-${pins.spark}`)) {
    problems.push(`${where}.notebookImage: '${pins.notebookImage}' is not on Spark ${pins.spark}`);
  }
  if (pins.deltaPython !== pins.delta.version) {
    problems.push(
      `${where}.deltaPython: '${pins.deltaPython}' must equal the Delta release '${pins.delta.version}'`,
    );
  }
  return problems;
}

/** The jars the spark-runtime image adds to /opt/spark/jars, and local runs put on the classpath, in order. */
export function sparkRuntimeJars(pins: SparkRuntimePins = SPARK_RUNTIME): readonly MavenCoordinate[] {
  return [
    { group: 'io.delta', artifact: pins.delta.artifact, version: pins.delta.version },
    { group: 'io.delta', artifact: 'delta-storage', version: pins.delta.version },
    { group: 'org.apache.hadoop', artifact: 'hadoop-aws', version: pins.hadoopAws },
    { group: 'software.amazon.awssdk', artifact: 'bundle', version: pins.awsSdkBundle },
    {
      group: 'software.amazon.s3.analyticsaccelerator',
      artifact: 'analyticsaccelerator-s3',
      version: pins.analyticsAccelerator,
    },
    {
      group: 'org.apache.spark',
      artifact: `spark-hadoop-cloud_${pins.scala}`,
      version: pins.sparkHadoopCloud,
    },
  ];
}

/** `group:artifact:version`. */
export function coordinateString(c: MavenCoordinate): string {
  return `${c.group}:${c.artifact}:${c.version}`;
}

/** Files under the repository that `make pins` writes from {@link SPARK_RUNTIME}. */
export const SPARK_RUNTIME_PIN_FILES = {
  jars: 'etl/images/spark-runtime/jars.txt',
  dockerfile: 'etl/images/spark-runtime/Dockerfile',
  requirementsIn: 'etl/local/requirements.in',
  notebookJars: 'etl/images/pyspark-notebook/jars.txt',
  notebookFetchJars: 'etl/images/pyspark-notebook/fetch_jars.py',
  notebookDockerfile: 'etl/images/pyspark-notebook/Dockerfile',
} as const;

/** The spark-runtime image's jar fetcher; the notebook image's build context gets a copy (contexts are folders). */
export const FETCH_JARS_SOURCE = 'etl/images/spark-runtime/fetch_jars.py';

/**
 * The PySpark notebook image's Dockerfile with its base image (Jupyter Docker Stacks' pyspark-notebook of the pinned
 * Spark) and the Spark version its build asserts set from the pins.
 */
export function renderNotebookDockerfile(current: string, pins: SparkRuntimePins = SPARK_RUNTIME): string {
  if (!/^ARG NOTEBOOK_IMAGE=.*$/m.test(current) || !/pyspark\.__version__\)'\)" = "[^"]*"/.test(current)) {
    throw new Error(
      `${SPARK_RUNTIME_PIN_FILES.notebookDockerfile}: the 'ARG NOTEBOOK_IMAGE=' line or the pyspark version test is ` +
        'missing; restore them',
    );
  }
  return current
    .replace(/^ARG NOTEBOOK_IMAGE=.*$/m, `ARG NOTEBOOK_IMAGE=${pins.notebookImage}`)
    .replace(/(pyspark\.__version__\)'\)" = ")[^"]*"/, `$1${pins.spark}"`)
    .replace(/pyspark-notebook of Spark \d+\.\d+\.\d+/, `pyspark-notebook of Spark ${pins.spark}`);
}

/** etl/images/spark-runtime/jars.txt: one coordinate a line, read by fetch_jars.py (image) and etl/local (local). */
export function renderJarsTxt(pins: SparkRuntimePins = SPARK_RUNTIME): string {
  const [delta, storage, aws, bundle, accelerator, cloud] = sparkRuntimeJars(pins).map(coordinateString);
  return [
    '# Generated from config/spark-runtime.ts by `make pins`; edit the versions there, not here.',
    '# Jars added to /opt/spark/jars (and to the local runs classpath), one Maven Central coordinate a line:',
    '# group:artifact:version [sha1]. Each jar is checked against the .sha1 Maven Central publishes beside it.',
    '',
    `# Delta Lake ${pins.delta.version}, built for Spark ${sparkLine(pins.spark)} (Scala ${pins.scala}).`,
    delta,
    storage,
    `# S3A for the image's Hadoop ${pins.imageHadoop}, with the AWS SDK v2 bundle and the analytics accelerator`,
    `# that hadoop-aws ${pins.hadoopAws} declares as compile dependencies.`,
    aws,
    bundle,
    accelerator,
    "# Spark's cloud committers (PathOutputCommitProtocol, BindingParquetOutputCommitter) for the S3A magic",
    '# committer; the apache/spark image does not ship spark-hadoop-cloud.',
    cloud,
    '',
  ].join('\n');
}

/** The `ARG SPARK_IMAGE=` line of the Dockerfile. */
export function dockerfileImageArg(pins: SparkRuntimePins = SPARK_RUNTIME): string {
  return `ARG SPARK_IMAGE=${pins.image}`;
}

/** The Dockerfile with its base image (and the version in its first comment line) set from the pins. */
export function renderDockerfile(current: string, pins: SparkRuntimePins = SPARK_RUNTIME): string {
  if (!/^ARG SPARK_IMAGE=.*$/m.test(current)) {
    throw new Error(
      `${SPARK_RUNTIME_PIN_FILES.dockerfile}: the 'ARG SPARK_IMAGE=' line is missing; restore it`,
    );
  }
  return current
    .replace(/^ARG SPARK_IMAGE=.*$/m, dockerfileImageArg(pins))
    .replace(
      /Apache Spark \d+\.\d+\.\d+ \(Scala [\d.]+, Java \d+/,
      `Apache Spark ${pins.spark} (Scala ${pins.scala}, Java ${pins.java}`,
    );
}

/** etl/local/requirements.in: the direct requirements of the local Spark environment (pip-compile input). */
export function renderRequirementsIn(pins: SparkRuntimePins = SPARK_RUNTIME): string {
  return [
    '# Generated from config/spark-runtime.ts by `make pins`; the lock (requirements.lock) is compiled from it with',
    "# `make lock` (pip-compile --generate-hashes). Local runs use the runtime image's Spark and Delta versions.",
    `pyspark==${pins.spark}`,
    `delta-spark==${pins.deltaPython}`,
    'sqlparse==0.6.1',
    'pytest==9.2.0',
    '',
  ].join('\n');
}
