import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  ETL_IMAGE_ARCHITECTURES,
  NODE_POOLS,
  TEAM_LABEL_KEY,
  SPARK_RUNTIME,
  assetOf,
  assetUri,
  runtimeImage,
  type JobSpec,
  type PipelineSpec,
  SIZE_PRESETS,
} from '../../config';
import { DEV } from '../testing';
import { jobArguments, sparkApplicationManifest } from './spark-application';

/** A throwaway repository with tiny job files, the SQL runner and both image contexts. */
function fixtureRepo(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spark-app-'));
  const files: Record<string, string> = {
    'etl/jobs/demo/load.ipynb': '{"cells": []}\n',
    'etl/jobs/demo/01_stage.sql': 'SELECT 1\n',
    'etl/jobs/demo/02_merge.sql': 'SELECT 2\n',
    'etl/jobs/demo/count.py': 'print(1)\n',
    'etl/jobs/demo/data.csv': 'a,b\n',
    'etl/runners/sql_runner.py': 'print("runner")\n',
    'etl/images/spark-runtime/Dockerfile': 'FROM docker.io/apache/spark:4.0.4\n',
    'etl/images/arc-runtime/Dockerfile': 'FROM ghcr.io/tripl-ai/arc:pinned\n',
  };
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

/** A job with the small preset; override what a test needs. */
function job(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    id: 'load',
    runtime: 'arc',
    files: ['demo/load.ipynb'],
    size: 'small',
    resources: SIZE_PRESETS.small,
    sparkConf: {},
    parameters: {},
    retries: 2,
    timeoutSeconds: 7200,
    dependsOn: [],
    ...overrides,
  };
}

/** A pipeline holding the given jobs. */
function pipeline(jobs: JobSpec[], overrides: Partial<PipelineSpec> = {}): PipelineSpec {
  return {
    file: 'etl/pipelines/demo.yaml',
    name: 'demo',
    description: 'Demo pipeline',
    owner: 'data-platform',
    tags: { domain: 'customer' },
    concurrencyPolicy: 'Forbid',
    parameters: {},
    jobs,
    ...overrides,
  };
}

describe('sparkApplicationManifest', () => {
  const repo = fixtureRepo();
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));
  const uri = (file: string) => assetUri(DEV, assetOf(repo, file));
  const manifest = (j: JobSpec, p: PipelineSpec = pipeline([j])) => sparkApplicationManifest(DEV, p, j, repo);

  test('passes Arc its arguments in order: config, job id, environment, tags, per-run and runtime parameters, then the job parameters', () => {
    const arc = job({ parameters: { LOAD_TYPE: 'initial', ETL_CONF_KEEP: 'x' } });
    const p = pipeline([arc], { parameters: { SOURCE: 'asset:jobs/demo/data.csv' } });
    expect(jobArguments(DEV, p, arc, repo)).toEqual([
      `--etl.config.uri=${uri('etl/jobs/demo/load.ipynb')}`,
      '--etl.config.job.id=demo-load',
      '--etl.config.environment=dev',
      '--etl.config.ignoreEnvironments=false',
      '--etl.config.tags=service=sql-etl-on-eks pipeline=demo workflow={{workflow.uid}} pod={{pod.name}} ' +
        'namespace=team-data-platform owner=data-platform domain=customer',
      '--ETL_CONF_EPOCH={{workflow.creationTimestamp.s}}',
      '--ETL_CONF_CURRENT_TIMESTAMP={{workflow.creationTimestamp.RFC3339}}',
      '--ETL_CONF_ENV=dev',
      '--ETL_CONF_DATALAKE=s3a://sqletl-dev-datalake-111122223333-us-east-1/warehouse',
      '--ETL_CONF_DATALAKE_BUCKET=sqletl-dev-datalake-111122223333-us-east-1',
      '--ETL_CONF_GLUE_DATABASE=sqletl_dev',
      '--ETL_CONF_ATHENA_WORKGROUP=sqletl-dev-etl',
      '--ETL_CONF_ATHENA_RESULTS=s3://sqletl-dev-athena-results-111122223333-us-east-1/results/',
      '--ETL_CONF_SPARK_EVENT_LOGS=s3a://sqletl-dev-datalake-111122223333-us-east-1/spark-event-logs/',
      `--ETL_CONF_SOURCE=${uri('etl/jobs/demo/data.csv')}`,
      '--ETL_CONF_LOAD_TYPE=initial',
      '--ETL_CONF_KEEP=x',
    ]);
  });

  test('an Arc job runs the Arc jar of the kit-built arc-runtime image with the SDK v1 web identity provider', () => {
    const m = manifest(job({ arcEnvironment: 'production' }));
    expect(m).toMatchObject({
      apiVersion: 'sparkoperator.k8s.io/v1beta2',
      kind: 'SparkApplication',
      metadata: {
        name: '{{workflow.name}}-load',
        namespace: 'team-data-platform',
        labels: {
          'sql-etl-on-eks/pipeline': 'demo',
          'sql-etl-on-eks/job': 'load',
          'workflows.argoproj.io/workflow': '{{workflow.name}}',
        },
      },
      spec: {
        type: 'Scala',
        mode: 'cluster',
        sparkVersion: '3.3.4',
        image: runtimeImage(DEV, 'arc-runtime', repo),
        mainClass: 'ai.tripl.arc.ARC',
        mainApplicationFile: 'local:///opt/spark/jars/arc.jar',
        restartPolicy: {
          type: 'OnFailure',
          onFailureRetries: 2,
          onFailureRetryInterval: 30,
          onSubmissionFailureRetries: 3,
        },
        timeToLiveSeconds: 7 * 24 * 3600,
        driver: { serviceAccount: 'spark-job-runner' },
        executor: { serviceAccount: 'spark-job-runner' },
      },
    });
    expect(m.spec.arguments).toContain('--etl.config.environment=production');
    expect(m.spec.sparkConf['spark.hadoop.fs.s3a.aws.credentials.provider']).toBe(
      'com.amazonaws.auth.WebIdentityTokenCredentialsProvider',
    );
  });

  test('a sql job runs the SQL runner with its files in order and parameters as --param NAME=VALUE', () => {
    const sql = job({
      id: 'merge',
      runtime: 'sql',
      files: ['demo/01_stage.sql', 'demo/02_merge.sql'],
      parameters: { X: '1' },
    });
    const m = manifest(sql);
    expect(m.spec).toMatchObject({
      type: 'Python',
      pythonVersion: '3',
      sparkVersion: SPARK_RUNTIME.spark,
      image: runtimeImage(DEV, 'spark-runtime', repo),
      mainApplicationFile: uri('etl/runners/sql_runner.py'),
    });
    expect(m.spec.mainClass).toBeUndefined();
    const args = m.spec.arguments;
    expect(args.slice(0, 4)).toEqual([
      '--sql',
      uri('etl/jobs/demo/01_stage.sql'),
      '--sql',
      uri('etl/jobs/demo/02_merge.sql'),
    ]);
    expect(args.slice(4, 6)).toEqual(['--param', 'EPOCH={{workflow.creationTimestamp.s}}']);
    expect(args.slice(-2)).toEqual(['--param', 'X=1']);
    expect(m.spec.sparkConf).toMatchObject({
      'spark.hadoop.fs.s3a.aws.credentials.provider':
        'software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider',
      'spark.sql.extensions': 'io.delta.sql.DeltaSparkSessionExtension',
      'spark.sql.catalog.spark_catalog': 'org.apache.spark.sql.delta.catalog.DeltaCatalog',
    });
  });

  test('a pyspark job runs its script with parameters as --NAME value', () => {
    const m = manifest(
      job({ id: 'count', runtime: 'pyspark', files: ['demo/count.py'], parameters: { LIMIT: '10' } }),
    );
    expect(m.spec.mainApplicationFile).toBe(uri('etl/jobs/demo/count.py'));
    expect(m.spec.arguments.slice(0, 2)).toEqual(['--EPOCH', '{{workflow.creationTimestamp.s}}']);
    expect(m.spec.arguments.slice(-2)).toEqual(['--LIMIT', '10']);
  });

  test('drivers go to the on-demand pool and may not be disrupted; executors go to the spot pool', () => {
    const { driver, executor } = manifest(job()).spec;
    // The owning team's pools: the kit's pool taint and the team's.
    const tolerationOf = (pool: (typeof NODE_POOLS)[keyof typeof NODE_POOLS]) => [
      { key: pool.taint.key, operator: 'Equal', value: pool.taint.value, effect: pool.taint.effect },
      { key: TEAM_LABEL_KEY, operator: 'Equal', value: 'data-platform', effect: 'NoSchedule' },
    ];
    // Arc's image is amd64 only: its pods also select x86 nodes of their pools.
    expect(driver.nodeSelector).toEqual({
      [NODE_POOLS.sparkDriver.label.key]: NODE_POOLS.sparkDriver.label.value,
      'kubernetes.io/arch': 'amd64',
      [TEAM_LABEL_KEY]: 'data-platform',
    });
    expect(driver.tolerations).toEqual(tolerationOf(NODE_POOLS.sparkDriver));
    expect(driver.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
    expect(NODE_POOLS.sparkDriver.capacityTypes).toEqual(['on-demand']);
    expect(executor.nodeSelector).toEqual({
      [NODE_POOLS.sparkExecutor.label.key]: NODE_POOLS.sparkExecutor.label.value,
      'kubernetes.io/arch': 'amd64',
      [TEAM_LABEL_KEY]: 'data-platform',
    });
    expect(executor.tolerations).toEqual(tolerationOf(NODE_POOLS.sparkExecutor));
    expect(executor.annotations).toBeUndefined();
  });

  test('SQL and PySpark pods (multi-arch spark-runtime image) run on x86 or Graviton, Arc pods on x86 only', () => {
    for (const runtime of ['sql', 'pyspark'] as const) {
      const files = runtime === 'sql' ? ['demo/01_stage.sql'] : ['demo/count.py'];
      const { driver, executor } = manifest(job({ runtime, files })).spec;
      expect(driver.nodeSelector).not.toHaveProperty('kubernetes.io/arch');
      expect(executor.nodeSelector).not.toHaveProperty('kubernetes.io/arch');
    }
    expect(ETL_IMAGE_ARCHITECTURES['arc-runtime']).toEqual(['amd64']);
    expect(manifest(job()).spec.executor.nodeSelector['kubernetes.io/arch']).toBe('amd64');
  });

  test('enables decommissioning, bounded dynamic allocation, the magic committer and S3 event logs', () => {
    const m = manifest(job({ runtime: 'sql', files: ['demo/01_stage.sql'], resources: SIZE_PRESETS.medium }));
    expect(m.spec.sparkConf).toMatchObject({
      'spark.decommission.enabled': 'true',
      'spark.storage.decommission.enabled': 'true',
      'spark.storage.decommission.shuffleBlocks.enabled': 'true',
      'spark.storage.decommission.rddBlocks.enabled': 'true',
      'spark.dynamicAllocation.enabled': 'true',
      'spark.dynamicAllocation.shuffleTracking.enabled': 'true',
      'spark.dynamicAllocation.minExecutors': '1',
      'spark.dynamicAllocation.maxExecutors': '10',
      'spark.hadoop.fs.s3a.committer.name': 'magic',
      'spark.hadoop.fs.s3a.committer.magic.enabled': 'true',
      'spark.sql.sources.commitProtocolClass': 'org.apache.spark.internal.io.cloud.PathOutputCommitProtocol',
      'spark.sql.parquet.output.committer.class':
        'org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter',
      'spark.eventLog.enabled': 'true',
      'spark.eventLog.dir': 's3a://sqletl-dev-datalake-111122223333-us-east-1/spark-event-logs/',
      'spark.authenticate': 'true',
      'spark.network.crypto.enabled': 'true',
      'spark.io.encryption.enabled': 'true',
      'spark.kubernetes.local.dirs.tmpfs': 'false',
    });
  });

  test('the local preset runs one fixed executor without dynamic allocation', () => {
    const conf = manifest(job({ size: 'local', resources: SIZE_PRESETS.local })).spec.sparkConf;
    expect(conf['spark.dynamicAllocation.enabled']).toBe('false');
    expect(conf['spark.executor.instances']).toBe('1');
    expect(conf['spark.dynamicAllocation.maxExecutors']).toBeUndefined();
  });

  test('Arc keeps Spark’s default commit protocol (its image lacks spark-hadoop-cloud)', () => {
    expect(manifest(job()).spec.sparkConf['spark.sql.sources.commitProtocolClass']).toBeUndefined();
  });

  test('a job’s sparkConf overrides a default', () => {
    const conf = manifest(
      job({ sparkConf: { 'spark.eventLog.enabled': 'false', 'spark.sql.shuffle.partitions': '64' } }),
    ).spec.sparkConf;
    expect(conf['spark.eventLog.enabled']).toBe('false');
    expect(conf['spark.sql.shuffle.partitions']).toBe('64');
  });

  test('pods run as non-root with seccomp and no capabilities; spark-runtime containers have a read-only root', () => {
    const sql = manifest(job({ runtime: 'sql', files: ['demo/01_stage.sql'] })).spec;
    for (const role of [sql.driver, sql.executor]) {
      expect(role.podSecurityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 185,
        runAsGroup: 185,
        fsGroup: 185,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(role.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      });
      expect(role.volumeMounts.map((v) => v.mountPath)).toEqual([
        '/var/spark/local-dir-1',
        '/tmp',
        '/opt/spark/work-dir',
      ]);
    }
    expect(manifest(job()).spec.driver.securityContext.readOnlyRootFilesystem).toBe(false);
  });

  test('sizes requests, limits and local storage from the preset, without hostPath', () => {
    const spec = manifest(job({ resources: SIZE_PRESETS.large })).spec;
    expect(spec.driver).toMatchObject({ cores: 4, coreRequest: '4000m', coreLimit: '4', memory: '8g' });
    expect(spec.executor).toMatchObject({
      cores: 4,
      coreLimit: '4',
      memory: '16g',
      terminationGracePeriodSeconds: 120,
    });
    expect(spec.volumes[0]).toEqual({ name: 'spark-local-dir-1', emptyDir: { sizeLimit: '100Gi' } });
    expect(spec.volumes.some((v) => 'hostPath' in v)).toBe(false);
    expect(spec.executor.template.spec.containers[0].resources.requests).toEqual({
      'ephemeral-storage': '100Gi',
    });
  });

  test('fails when sparkConf sets what resources own', () => {
    expect(() => manifest(job({ sparkConf: { 'spark.executor.memory': '64g' } }))).toThrow(
      /job 'load': sparkConf sets spark\.executor\.memory; use size: or resources: instead/,
    );
  });

  test('fails when a parameter shadows a runtime parameter', () => {
    expect(() => manifest(job({ parameters: { ETL_CONF_ENV: 'prod' } }))).toThrow(
      /parameter ETL_CONF_ENV shadows/,
    );
  });

  test('fails when the application name could exceed 63 characters', () => {
    const long = job({ id: 'a'.repeat(20) });
    expect(() => manifest(long, pipeline([long], { name: 'p'.repeat(40) }))).toThrow(
      /can reach 72 characters/,
    );
  });

  test('fails when an Arc tag holds a space', () => {
    expect(() => manifest(job(), pipeline([job()], { tags: { team: 'data platform' } }))).toThrow(
      /Arc tags cannot contain spaces.*team=data platform/,
    );
  });

  test('fails with the image context to add when the arc-runtime image is missing', () => {
    const bare = fixtureRepo();
    fs.rmSync(path.join(bare, 'etl/images/arc-runtime'), { recursive: true });
    try {
      expect(() => sparkApplicationManifest(DEV, pipeline([job()]), job(), bare)).toThrow(
        /job 'load' runs on arc and needs the kit's arc-runtime image.*etl\/images\/arc-runtime\/ is missing/,
      );
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });
});
