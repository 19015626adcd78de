import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  type SparkRuntimePins,
  deltaSparkArtifact,
  renderJarsTxt,
  sparkLine,
  sparkRuntimeViolations,
} from './spark-runtime';
import { arcPinFiles, sparkRuntimePinFiles } from './spark-runtime-pins';
import { SPARK_RUNTIME } from './versions';

const REPO_ROOT = path.resolve(__dirname, '..');

/** The pins with some fields replaced, as a later bump of one of them would leave them. */
function bumped(change: Partial<Record<keyof SparkRuntimePins, unknown>>): SparkRuntimePins {
  return { ...SPARK_RUNTIME, ...change } as SparkRuntimePins;
}

describe('the spark-runtime pins fit together', () => {
  test('as shipped, no pairing rule is broken', () => {
    expect(sparkRuntimeViolations()).toEqual([]);
  });

  test('Spark is on a maintained line (4.1 or 4.2), not the end-of-life 4.0', () => {
    expect(['4.1', '4.2']).toContain(sparkLine(SPARK_RUNTIME.spark));
  });

  describe('rule: the Delta artifact matches the Spark line', () => {
    test('fails when Spark moves to another line without the Delta artifact', () => {
      expect(
        sparkRuntimeViolations(bumped({ spark: '4.2.0', sparkHadoopCloud: '4.2.0' })).join('\n'),
      ).toMatch(
        /delta\.artifact: 'delta-spark_4\.1_2\.13' does not match Spark 4\.2\.0; Delta 4\.4\.0 publishes 'delta-spark_4\.2_2\.13'/,
      );
    });
    test('fails when the unsuffixed artifact (the Delta release default line, 4.2) is pinned for Spark 4.1', () => {
      expect(
        sparkRuntimeViolations(bumped({ delta: { version: '4.4.0', artifact: 'delta-spark_2.13' } })).join(
          '\n',
        ),
      ).toMatch(/delta\.artifact: 'delta-spark_2\.13' does not match Spark 4\.1\.2/);
    });
    test('fails when the Delta release is not built for the Spark line', () => {
      expect(
        sparkRuntimeViolations(
          bumped({ delta: { version: '4.0.1', artifact: 'delta-spark_2.13' }, deltaPython: '4.0.1' }),
        ).join('\n'),
      ).toMatch(/Delta 4\.0\.1 is built for Spark 4\.0, not 4\.1/);
    });
    test('names the artifact per Delta generation: one per Scala version before 4.1, one per Spark line after', () => {
      expect(deltaSparkArtifact('4.0.4', '4.0.1', '2.13')).toBe('delta-spark_2.13');
      expect(deltaSparkArtifact('4.1.2', '4.4.0', '2.13')).toBe('delta-spark_4.1_2.13');
      expect(deltaSparkArtifact('4.2.0', '4.4.0', '2.13')).toBe('delta-spark_4.2_2.13');
    });
  });

  describe("rule: hadoop-aws equals the image's Hadoop client", () => {
    test('fails when hadoop-aws moves alone', () => {
      expect(sparkRuntimeViolations(bumped({ hadoopAws: '3.5.0' })).join('\n')).toMatch(
        /hadoopAws: '3\.5\.0' must equal the image's Hadoop client '3\.4\.2'/,
      );
    });
    test("fails when the image's Hadoop is not the one the Spark release ships", () => {
      expect(sparkRuntimeViolations(bumped({ imageHadoop: '3.4.1', hadoopAws: '3.4.1' })).join('\n')).toMatch(
        /imageHadoop: '3\.4\.1', but Spark 4\.1\.2 ships Hadoop 3\.4\.2/,
      );
    });
  });

  describe('rule: the AWS SDK bundle is the one hadoop-aws declares', () => {
    test('fails when the bundle moves alone', () => {
      expect(sparkRuntimeViolations(bumped({ awsSdkBundle: '2.35.4' })).join('\n')).toMatch(
        /awsSdkBundle: '2\.35\.4', but hadoop-aws 3\.4\.2 declares bundle 2\.29\.52/,
      );
    });
    test('fails when hadoop-aws moves to a release without a recorded bundle', () => {
      expect(sparkRuntimeViolations(bumped({ hadoopAws: '3.4.9', imageHadoop: '3.4.9' })).join('\n')).toMatch(
        /no record of the AWS SDK bundle hadoop-aws 3\.4\.9 declares/,
      );
    });
  });

  describe('rule: spark-hadoop-cloud equals the Spark version', () => {
    test('fails when Spark moves without spark-hadoop-cloud', () => {
      expect(sparkRuntimeViolations(bumped({ sparkHadoopCloud: '4.1.1' })).join('\n')).toMatch(
        /sparkHadoopCloud: '4\.1\.1' must equal the Spark version '4\.1\.2'/,
      );
    });
  });

  test('the image and the notebook image name the Spark release', () => {
    const problems = sparkRuntimeViolations(
      bumped({
        image: 'docker.io/apache/spark:4.1.2',
        notebookImage: 'quay.io/jupyter/pyspark-notebook:spark-4.0.1',
      }),
    ).join('\n');
    // The short tag is the Java 21 build from Spark 4.1 on.
    expect(problems).toMatch(
      /image: 'docker\.io\/apache\/spark:4\.1\.2' is not the Spark 4\.1\.2, Scala 2\.13, Java 17/,
    );
    expect(problems).toMatch(/notebookImage: .* is not on Spark 4\.1\.2/);
  });
});

describe('files derived from the pins', () => {
  test.each(sparkRuntimePinFiles(REPO_ROOT).map((f) => [f.file, f] as const))(
    '%s is up to date (make pins)',
    (_, f) => {
      expect(f.current).toBe(f.expected);
    },
  );

  test.each(arcPinFiles(REPO_ROOT).map((f) => [f.file, f] as const))(
    '%s is up to date (make pins)',
    (_, f) => {
      expect(f.current).toBe(f.expected);
    },
  );

  test('make pins writes the pinned Arc image into the base-image line of both Arc Dockerfiles', () => {
    const moved = arcPinFiles(REPO_ROOT, 'ghcr.io/tripl-ai/arc:arc_9.9.9_next');
    expect(moved.map((f) => f.file)).toEqual([
      'etl/images/arc-runtime/Dockerfile',
      'etl/images/arc-notebook/Dockerfile',
    ]);
    expect(moved[0].expected).toMatch(/^FROM ghcr\.io\/tripl-ai\/arc:arc_9\.9\.9_next$/m);
    expect(moved[1].expected).toMatch(/^ARG ARC_IMAGE=ghcr\.io\/tripl-ai\/arc:arc_9\.9\.9_next$/m);
    // Only that line changes.
    for (const f of moved) {
      expect(f.expected.split('\n').filter((l, i) => l !== (f.current ?? '').split('\n')[i])).toHaveLength(1);
    }
  });

  test('jars.txt names every coordinate at its pinned version', () => {
    const lines = renderJarsTxt()
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines).toEqual([
      `io.delta:${SPARK_RUNTIME.delta.artifact}:${SPARK_RUNTIME.delta.version}`,
      `io.delta:delta-storage:${SPARK_RUNTIME.delta.version}`,
      `org.apache.hadoop:hadoop-aws:${SPARK_RUNTIME.hadoopAws}`,
      `software.amazon.awssdk:bundle:${SPARK_RUNTIME.awsSdkBundle}`,
      `software.amazon.s3.analyticsaccelerator:analyticsaccelerator-s3:${SPARK_RUNTIME.analyticsAccelerator}`,
      `org.apache.spark:spark-hadoop-cloud_${SPARK_RUNTIME.scala}:${SPARK_RUNTIME.sparkHadoopCloud}`,
    ]);
  });

  test('the image README names the base image and every jar coordinate', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'etl/images/spark-runtime/README.md'), 'utf8');
    expect(readme).toContain(SPARK_RUNTIME.image);
    for (const line of renderJarsTxt()
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))) {
      expect(readme).toContain(line);
    }
  });

  test('no file outside config/ pins another Spark 4 release or Delta 4.0 (docs and image included)', () => {
    const files = [
      'etl/images/spark-runtime/Dockerfile',
      'etl/images/spark-runtime/README.md',
      'etl/images/spark-runtime/jars.txt',
      'etl/runners/sql_runner.py',
      'infra/constructs/helm-values/jupyterhub.ts',
      'k8s/constructs/spark-defaults.ts',
    ];
    for (const file of files) {
      const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
      const others = [...text.matchAll(/(?:spark[:/ -]|Spark |pyspark==|sparkVersion: )(4\.\d+\.\d+)/gi)]
        .map((m) => m[1])
        .filter((v) => v !== SPARK_RUNTIME.spark);
      expect({ file, others }).toEqual({ file, others: [] });
    }
  });
});

test("README's Supported versions table names every pinned coordinate", () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Supported versions'));
  expect(section).toMatch(new RegExp(`\\| Apache Spark +\\| ${SPARK_RUNTIME.spark.replace(/\./g, '\\.')} `));
  expect(section).toContain(SPARK_RUNTIME.image);
  expect(section).toContain(SPARK_RUNTIME.notebookImage);
  expect(section).toContain(`io.delta:${SPARK_RUNTIME.delta.artifact}:${SPARK_RUNTIME.delta.version}`);
  expect(section).toContain(`hadoop-aws:${SPARK_RUNTIME.hadoopAws}`);
  expect(section).toContain(`bundle:${SPARK_RUNTIME.awsSdkBundle}`);
  expect(section).toContain(`spark-hadoop-cloud_${SPARK_RUNTIME.scala}:${SPARK_RUNTIME.sparkHadoopCloud}`);
});

describe('the local PySpark lock (etl/local/requirements.lock)', () => {
  const lock = fs.readFileSync(path.join(REPO_ROOT, 'etl/local/requirements.lock'), 'utf8');
  const pins: [string, string][] = [...lock.matchAll(/^([A-Za-z0-9_.-]+)==(\S+) \\$/gm)].map((m) => [
    m[1].toLowerCase(),
    m[2],
  ]);

  test('pins PySpark of the runtime Spark and delta-spark of the runtime Delta (run `make lock` after a bump)', () => {
    expect(Object.fromEntries(pins)).toMatchObject({
      pyspark: SPARK_RUNTIME.spark,
      'delta-spark': SPARK_RUNTIME.deltaPython,
    });
  });

  test('every requirement of requirements.in is locked at the version it names', () => {
    const wanted = fs
      .readFileSync(path.join(REPO_ROOT, 'etl/local/requirements.in'), 'utf8')
      .split('\n')
      .filter((l) => /^[a-z]/i.test(l))
      .map((l) => l.split('=='));
    const locked = new Map(pins.map(([name, version]) => [name, version]));
    for (const [name, version] of wanted) expect(locked.get(name.toLowerCase())).toBe(version);
  });

  test('every locked package carries at least one sha256 hash', () => {
    const blocks = lock.split(/\n(?=[A-Za-z0-9_.-]+==)/).filter((b) => /^[A-Za-z0-9_.-]+==/.test(b));
    expect(blocks).toHaveLength(pins.length);
    for (const block of blocks) expect(block).toMatch(/--hash=sha256:[0-9a-f]{64}/);
  });
});
