import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { runtimeImage, lintArcJob } from '../../config';
import { DEV, pick, synthChart, testApp } from '../testing';
import type { SparkApplicationObject } from '../constructs/spark-application';
import { AdhocSubmitChart } from './adhoc-submit-chart';

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

function fixtureRepo(withArcImage: boolean): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'adhoc-chart-'));
  if (withArcImage) {
    fs.mkdirSync(path.join(root, 'etl/images/arc-runtime'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'etl/images/arc-runtime/Dockerfile'),
      'FROM ghcr.io/tripl-ai/arc:pinned\n',
    );
  }
  return root;
}

describe('AdhocSubmitChart', () => {
  const repo = fixtureRepo(true);
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));
  const chart = new AdhocSubmitChart(testApp(), { env: DEV, repoRoot: repo });
  const manifests = synthChart(chart);
  const spec = pick(manifests, 'WorkflowTemplate', 'spark-submit').spec as TemplateSpec;
  const templateNamed = (name: string) => {
    const found = spec.templates.find((t) => t.name === name);
    if (found === undefined) throw new Error(`no template ${name}`);
    return found;
  };
  const appOf = (size: string) =>
    parse(templateNamed(`submit-${size}`).resource?.manifest ?? '') as SparkApplicationObject;

  test('one shared spark-submit template in the job namespace, chart id with the environment', () => {
    expect(chart.node.id).toBe('dev-adhoc-submit');
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}/${m.metadata.namespace}`)).toEqual([
      'WorkflowTemplate/spark-submit/spark-jobs',
    ]);
    expect(spec.serviceAccountName).toBe('argo-workflow');
  });

  test('offers the seed’s parameters with size restricted to the presets', () => {
    const params = spec.arguments?.parameters ?? [];
    expect(params.map((p) => p.name)).toEqual([
      'jobId',
      'configUri',
      'size',
      'executorInstances',
      'executorCores',
      'executorMemory',
      'tags',
      'environment',
    ]);
    expect(params.find((p) => p.name === 'size')).toMatchObject({
      value: 'small',
      enum: ['small', 'medium', 'large', 'local'],
    });
    expect(params.find((p) => p.name === 'environment')?.value).toBe('production');
  });

  test('the default Arc environment is one every stage of every sample Arc job lists (Arc would skip them all otherwise)', () => {
    const repoRoot = path.resolve(__dirname, '../..');
    const environment = spec.arguments!.parameters.find((p) => p.name === 'environment')!.value!;
    const jobs = (fs.readdirSync(path.join(repoRoot, 'etl/jobs'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ipynb'))
      .sort();
    expect(jobs.length).toBeGreaterThanOrEqual(4);
    for (const job of jobs) {
      const file = `etl/jobs/${job.split(path.sep).join('/')}`;
      const problems = lintArcJob({
        repoRoot,
        file,
        text: fs.readFileSync(path.join(repoRoot, file), 'utf8'),
        parameters: {},
        environments: [environment],
        environmentReason: `the ad-hoc template's default environment is ${environment}`,
        context: 'submitted ad hoc with the defaults',
      });
      // Unsupplied parameters are the submitter's business; stages skipped for the environment are the template's.
      expect(
        problems.filter((p) => p.includes(environment)),
        file,
      ).toEqual([]);
    }
    // The environment's own name would skip every sample stage.
    const asEnvName = lintArcJob({
      repoRoot,
      file: `etl/jobs/${jobs[0]}`,
      text: fs.readFileSync(path.join(repoRoot, 'etl/jobs', jobs[0]), 'utf8'),
      parameters: {},
      environments: [DEV.name],
      environmentReason: 'the environment name',
      context: 'submitted ad hoc',
    });
    expect(asEnvName.some((p) => p.includes("'dev'") || p.includes(' dev'))).toBe(true);
  });

  test('the entry DAG runs exactly the preset the size parameter names', () => {
    expect(templateNamed('main').dag?.tasks).toContainEqual({
      name: 'large',
      template: 'submit-large',
      when: "'{{workflow.parameters.size}}' == 'large'",
    });
    expect(templateNamed('main').dag?.tasks).toHaveLength(4);
  });

  test('each preset creates an Arc SparkApplication on the pinned image with the preset’s driver and overridable executors', () => {
    const app = appOf('medium');
    expect(app).toMatchObject({
      apiVersion: 'sparkoperator.k8s.io/v1beta2',
      kind: 'SparkApplication',
      metadata: { name: '{{workflow.name}}', namespace: 'spark-jobs' },
      spec: {
        type: 'Scala',
        image: runtimeImage(DEV, 'arc-runtime', repo),
        mainClass: 'ai.tripl.arc.ARC',
        driver: { cores: 2, memory: '4g' },
        executor: {
          memory: "{{=workflow.parameters.executorMemory == '' ? '8g' : workflow.parameters.executorMemory}}",
        },
      },
    });
    expect(app.spec.sparkConf['spark.dynamicAllocation.maxExecutors']).toBe(
      "{{=workflow.parameters.executorInstances == '' ? '10' : workflow.parameters.executorInstances}}",
    );
    expect(app.spec.arguments.slice(0, 3)).toEqual([
      '--etl.config.uri={{workflow.parameters.configUri}}',
      '--etl.config.job.id={{workflow.parameters.jobId}}',
      '--etl.config.environment={{workflow.parameters.environment}}',
    ]);
    expect(appOf('local').spec.sparkConf['spark.executor.instances']).toBe(
      "{{=workflow.parameters.executorInstances == '' ? '1' : workflow.parameters.executorInstances}}",
    );
  });

  test('the resource templates wait on the application state and own it', () => {
    expect(templateNamed('submit-small').resource).toMatchObject({
      action: 'apply',
      failureCondition: 'status.applicationState.state == FAILED',
      setOwnerReference: true,
      successCondition: 'status.applicationState.state == COMPLETED',
    });
  });

  test('fails when the arc-runtime image context is missing', () => {
    const bare = fixtureRepo(false);
    try {
      expect(() => new AdhocSubmitChart(testApp(), { env: DEV, repoRoot: bare })).toThrow(
        /etl\/images\/arc-runtime\/ is missing; add its Dockerfile there/,
      );
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });
});
