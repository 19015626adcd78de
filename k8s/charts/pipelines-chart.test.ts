import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { NODE_POOLS, TEAM_LABEL_KEY, type JobSpec, type PipelineSpec, SIZE_PRESETS } from '../../config';
import { DEV, pick, synthChart, testApp } from '../testing';
import type { SparkApplicationObject } from '../constructs/spark-application';
import { PipelinesChart } from './pipelines-chart';

/** The parts of a rendered WorkflowTemplate spec these tests read. */
interface TemplateSpec {
  readonly templates: readonly {
    readonly name: string;
    readonly dag?: { readonly tasks: readonly Record<string, unknown>[] };
    readonly resource?: Record<string, unknown> & { readonly manifest: string };
    readonly retryStrategy?: { readonly limit: number };
  }[];
  readonly arguments?: { readonly parameters: readonly { readonly name: string; readonly value?: string }[] };
  readonly podSpecPatch?: string;
  readonly [field: string]: unknown;
}

function fixtureRepo(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-chart-'));
  const files: Record<string, string> = {
    'etl/jobs/demo/load.ipynb': '{"cells": []}\n',
    'etl/jobs/demo/merge.sql': 'SELECT 1\n',
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

function job(overrides: Partial<JobSpec>): JobSpec {
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

/** Two parallel loads and a merge that depends on both; scheduled. */
const SCHEDULED: PipelineSpec = {
  file: 'etl/pipelines/customer-scd2.yaml',
  name: 'customer-scd2',
  description: 'Customer contacts as SCD2',
  owner: 'data-platform',
  tags: {},
  schedule: { cron: '30 2 * * *', timezone: 'Europe/Berlin', startingDeadlineSeconds: 600 },
  concurrencyPolicy: 'Replace',
  parameters: {},
  jobs: [
    job({ id: 'load-a', retries: 3, timeoutSeconds: 3600 }),
    job({ id: 'load-b' }),
    job({ id: 'merge', runtime: 'sql', files: ['demo/merge.sql'], dependsOn: ['load-a', 'load-b'] }),
  ],
};

/** No schedule: submitted on demand. */
const ON_DEMAND: PipelineSpec = {
  ...SCHEDULED,
  name: 'backfill',
  file: 'etl/pipelines/backfill.yaml',
  schedule: undefined,
  jobs: [job({})],
};

describe('PipelinesChart', () => {
  const repo = fixtureRepo();
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));
  const chart = new PipelinesChart(testApp(), {
    env: DEV,
    pipelines: [SCHEDULED, ON_DEMAND],
    repoRoot: repo,
  });
  const manifests = synthChart(chart);
  const template = pick(manifests, 'WorkflowTemplate', 'customer-scd2') as unknown as { spec: TemplateSpec };
  const templateNamed = (name: string) => {
    const found = template.spec.templates.find((t) => t.name === name);
    if (found === undefined) throw new Error(`no template ${name}`);
    return found;
  };

  test('one WorkflowTemplate per pipeline in its team’s namespace, run by the team’s argo-workflow account', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'CronWorkflow/customer-scd2',
      'WorkflowTemplate/backfill',
      'WorkflowTemplate/customer-scd2',
    ]);
    expect(template).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      metadata: {
        namespace: 'team-data-platform',
        labels: { 'sql-etl-on-eks/pipeline': 'customer-scd2', 'sql-etl-on-eks/team': 'data-platform' },
      },
      spec: { serviceAccountName: 'argo-workflow', entrypoint: 'main' },
    });
  });

  test('the DAG runs the two loads in parallel and the merge after both', () => {
    expect(templateNamed('main').dag?.tasks).toEqual([
      { name: 'load-a', template: 'spark-load-a' },
      { name: 'load-b', template: 'spark-load-b' },
      { name: 'merge', template: 'spark-merge', dependencies: ['load-a', 'load-b'] },
    ]);
  });

  test('each job applies its SparkApplication, owned by the workflow, and waits for its final state', () => {
    expect(templateNamed('spark-load-a').resource).toMatchObject({
      // Apply: a retried step finds its application and waits for it again, instead of AlreadyExists.
      action: 'apply',
      setOwnerReference: true,
      successCondition: 'status.applicationState.state == COMPLETED',
      // FAILED only: SUBMISSION_FAILED and UNKNOWN are states the operator itself retries or recovers from.
      failureCondition: 'status.applicationState.state == FAILED',
    });
  });

  test('Argo retries only errors, with exponential backoff, and enforces the job timeout', () => {
    expect(templateNamed('spark-load-a')).toMatchObject({
      retryStrategy: {
        limit: 3,
        retryPolicy: 'OnError',
        backoff: { duration: '1m', factor: 2, maxDuration: '30m' },
      },
      activeDeadlineSeconds: 3600,
    });
    expect(templateNamed('spark-load-b').retryStrategy?.limit).toBe(2);
  });

  test('the embedded manifest parses back to the job’s SparkApplication', () => {
    const app = parse(templateNamed('spark-merge').resource?.manifest ?? '') as SparkApplicationObject;
    expect(app).toMatchObject({
      apiVersion: 'sparkoperator.k8s.io/v1beta2',
      kind: 'SparkApplication',
      metadata: { name: '{{workflow.name}}-merge', namespace: 'team-data-platform' },
      spec: { type: 'Python' },
    });
    expect(app.spec.mainApplicationFile).toMatch(/^s3a:\/\/.*\/runners\/sql_runner\.py$/);
  });

  test('completed runs are removed after a day, failed ones after a week; successful pods at once', () => {
    expect(template.spec).toMatchObject({
      ttlStrategy: { secondsAfterSuccess: 86400, secondsAfterFailure: 604800 },
      podGC: { strategy: 'OnPodSuccess' },
      workflowMetadata: { labels: { 'sql-etl-on-eks/pipeline': 'customer-scd2' } },
    });
  });

  test('Argo’s pods are non-root with seccomp, are not patched and stay off spot', () => {
    expect(template.spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 8737,
      runAsGroup: 8737,
      fsGroup: 8737,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(template.spec.podSpecPatch).toBeUndefined();
    // The team's own on-demand driver pool.
    expect(template.spec.nodeSelector).toEqual({
      [NODE_POOLS.sparkDriver.label.key]: 'spark-driver',
      [TEAM_LABEL_KEY]: 'data-platform',
    });
  });

  test('every workflow pod carries the cost labels: team, pipeline, environment, and the job on job steps', () => {
    expect(template.spec.podMetadata).toEqual({
      labels: {
        'sql-etl-on-eks/pipeline': 'customer-scd2',
        'sql-etl-on-eks/team': 'data-platform',
        'sql-etl-on-eks/environment': 'dev',
      },
    });
    expect(templateNamed('spark-merge')).toMatchObject({
      metadata: { labels: { 'sql-etl-on-eks/job': 'merge' } },
    });
  });

  test('a pipeline of another team lands in that team’s namespace, on its pools, with its DATALAKE', () => {
    const other = new PipelinesChart(testApp(), {
      env: DEV,
      pipelines: [{ ...ON_DEMAND, owner: 'analytics' }],
      repoRoot: repo,
    });
    const backfill = pick(synthChart(other), 'WorkflowTemplate', 'backfill') as unknown as {
      spec: TemplateSpec;
    };
    expect(backfill).toMatchObject({ metadata: { namespace: 'team-analytics' } });
    const app = parse(backfill.spec.templates[1].resource?.manifest ?? '') as SparkApplicationObject;
    expect(app.metadata.namespace).toBe('team-analytics');
    expect(app.spec.executor.nodeSelector).toMatchObject({
      [NODE_POOLS.sparkExecutor.label.key]: 'spark-executor',
      [TEAM_LABEL_KEY]: 'analytics',
    });
    expect(app.spec.arguments.join(' ')).toContain(
      '--ETL_CONF_DATALAKE=s3a://sqletl-dev-datalake-111122223333-us-east-1/teams/analytics',
    );
  });

  test('fails naming the owner when it is not a team of the environment', () => {
    expect(
      () =>
        new PipelinesChart(testApp(), {
          env: DEV,
          pipelines: [{ ...ON_DEMAND, owner: 'nobody' }],
          repoRoot: repo,
        }),
    ).toThrow(/owner 'nobody' is not a team of environment dev; its teams are: data-platform, analytics/);
  });

  test('a scheduled pipeline gets a CronWorkflow that runs its template', () => {
    expect(pick(manifests, 'CronWorkflow', 'customer-scd2')).toMatchObject({
      metadata: { namespace: 'team-data-platform' },
      spec: {
        schedules: ['30 2 * * *'],
        timezone: 'Europe/Berlin',
        startingDeadlineSeconds: 600,
        concurrencyPolicy: 'Replace',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 5,
        workflowSpec: { workflowTemplateRef: { name: 'customer-scd2' } },
      },
    });
  });

  test('a pipeline without a schedule gets no CronWorkflow', () => {
    expect(manifests.filter((m) => m.kind === 'CronWorkflow').map((m) => m.metadata.name)).toEqual([
      'customer-scd2',
    ]);
  });

  test('names carry no hash and the chart id carries the environment', () => {
    expect(chart.node.id).toBe('dev-pipelines');
    for (const m of manifests) expect(m.metadata.name).not.toMatch(/-c8[0-9a-f]{8}$/);
  });

  test('fails naming the pipeline and job when a job file is missing', () => {
    const broken = { ...ON_DEMAND, jobs: [job({ files: ['demo/missing.ipynb'] })] };
    expect(() => new PipelinesChart(testApp(), { env: DEV, pipelines: [broken], repoRoot: repo })).toThrow(
      /etl\/jobs\/demo\/missing\.ipynb' does not exist/,
    );
  });

  test('matches the snapshot', () => {
    // Content hashes depend only on the fixture files, so the snapshot is stable across machines.
    expect(manifests).toMatchSnapshot();
  });
});

describe('PipelinesChart: data tests', () => {
  const repo = fixtureRepo();
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));
  const tests = [
    {
      name: 'not_null(id)',
      kind: 'not_null' as const,
      dataset: '${DATALAKE}/demo/contacts',
      failing: 'rows with a NULL in id',
      sql: 'SELECT * FROM delta.`${DATALAKE}/demo/contacts` AS tested WHERE (`id` IS NULL)',
    },
    {
      name: 'row_count',
      kind: 'row_count' as const,
      dataset: '${DATALAKE}/demo/contacts',
      failing: 'row count below ${MIN_ROWS}',
      sql: 'SELECT count(*) AS row_count FROM delta.`${DATALAKE}/demo/contacts` AS tested HAVING count(*) < ${MIN_ROWS}',
    },
  ];
  const pipeline: PipelineSpec = {
    ...SCHEDULED,
    jobs: [
      job({ id: 'load-a', tests, parameters: { MIN_ROWS: '5' }, retries: 1, timeoutSeconds: 900 }),
      job({ id: 'load-b' }),
      job({ id: 'merge', runtime: 'sql', files: ['demo/merge.sql'], dependsOn: ['load-a', 'load-b'] }),
    ],
  };
  const manifests = synthChart(
    new PipelinesChart(testApp(), { env: DEV, pipelines: [pipeline], repoRoot: repo }),
  );
  const spec = (pick(manifests, 'WorkflowTemplate', 'customer-scd2') as unknown as { spec: TemplateSpec })
    .spec;
  const step = spec.templates.find((t) => t.name === 'spark-load-a-tests')!;
  const app = parse(step.resource!.manifest) as SparkApplicationObject & {
    spec: { arguments: string[]; mainApplicationFile: string; image: string; type: string };
  };

  test('the tests run after their job, and the jobs that depend on it wait for the tests', () => {
    expect(spec.templates.find((t) => t.name === 'main')?.dag?.tasks).toEqual([
      { name: 'load-a', template: 'spark-load-a' },
      { name: 'load-a-tests', template: 'spark-load-a-tests', dependencies: ['load-a'] },
      { name: 'load-b', template: 'spark-load-b' },
      { name: 'merge', template: 'spark-merge', dependencies: ['load-a-tests', 'load-b'] },
    ]);
  });

  test('a failing test fails the step: the runner exits non-zero, the application ends FAILED, the step fails', () => {
    // sql_runner.py exits 1 when a test returns rows (etl/runners/test_sql_runner.py; on Spark in the local tier); the
    // operator then ends the application FAILED, which is the step's failure condition; Argo retries only errors.
    expect(step.resource).toMatchObject({
      action: 'apply',
      setOwnerReference: true,
      successCondition: 'status.applicationState.state == COMPLETED',
      failureCondition: 'status.applicationState.state == FAILED',
    });
    expect(step).toMatchObject({
      retryStrategy: { limit: 1, retryPolicy: 'OnError' },
      activeDeadlineSeconds: 900,
    });
  });

  test("the step is the SQL runner on the spark-runtime image, whatever the job's runtime, with every test", () => {
    expect(app.metadata.name).toBe('{{workflow.name}}-load-a-tests');
    expect(app.metadata.labels).toMatchObject({ 'sql-etl-on-eks/job': 'load-a-tests' });
    expect(app.spec.type).toBe('Python');
    expect(app.spec.mainApplicationFile).toMatch(/^s3a:\/\/.*\/runners\/sql_runner\.py$/);
    expect(app.spec.image).toMatch(/\/spark-runtime:[0-9a-f]{16}$/);
    const args = app.spec.arguments;
    const testArgs = args.flatMap((arg, i) => (args[i - 1] === '--test' ? [JSON.parse(arg) as unknown] : []));
    expect(testArgs).toEqual(
      tests.map(({ name, dataset, failing, sql }) => ({ name, dataset, failing, sql })),
    );
    // The job's parameters reach the runner, which fills in ${MIN_ROWS} and ${DATALAKE}.
    expect(args).toContain('MIN_ROWS=5');
    expect(args.some((arg) => /^DATALAKE=s3a:\/\//.test(arg))).toBe(true);
    expect(args.indexOf('--param')).toBeGreaterThan(args.lastIndexOf('--test'));
  });

  test('a job without tests gets no tests step', () => {
    expect(spec.templates.map((t) => t.name)).toEqual([
      'main',
      'spark-load-a',
      'spark-load-a-tests',
      'spark-load-b',
      'spark-merge',
    ]);
  });
});
