import { describe, expect, test } from 'vitest';
import { gateStepId, jobInvocation, type InvocationValues } from './invocation';
import type { JobSpec, PipelineSpec } from './model';
import { SIZE_PRESETS } from './presets';

/** Local-style values: files at /repo/<path>, a local warehouse, a fixed run start. */
const LOCAL: InvocationValues = {
  runtime: { EPOCH: '1700000000', CURRENT_TIMESTAMP: '2023-11-14T22:13:20Z', ENV: 'dev', DATALAKE: '/wh' },
  fileUri: (file) => `/repo/${file}`,
  defaultArcEnvironment: 'dev',
  arcApplication: { jar: '/arc/arc.jar', mainClass: 'ai.tripl.arc.ARC' },
};

function job(overrides: Partial<JobSpec>): JobSpec {
  return {
    id: 'load',
    runtime: 'sql',
    files: ['demo/a.sql'],
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

function pipeline(jobs: JobSpec[], parameters: Record<string, string> = {}): PipelineSpec {
  return {
    file: 'etl/pipelines/demo.yaml',
    name: 'demo',
    description: 'Demo',
    owner: 'team',
    tags: { domain: 'x' },
    concurrencyPolicy: 'Forbid',
    parameters,
    jobs,
  };
}

describe('jobInvocation', () => {
  test('sql: the SQL runner with every file and every parameter, runtime first, asset: resolved through fileUri', () => {
    const j = job({
      files: ['demo/a.sql', 'demo/b.sql'],
      parameters: { N: '3' },
      sparkConf: { 'spark.x': '1' },
    });
    const inv = jobInvocation(pipeline([j], { SRC: 'asset:jobs/demo/d.csv', N: '1' }), j, LOCAL);
    expect(inv.mainApplicationFile).toBe('/repo/etl/runners/sql_runner.py');
    expect(inv.arguments).toEqual([
      '--sql',
      '/repo/etl/jobs/demo/a.sql',
      '--sql',
      '/repo/etl/jobs/demo/b.sql',
      '--param',
      'EPOCH=1700000000',
      '--param',
      'CURRENT_TIMESTAMP=2023-11-14T22:13:20Z',
      '--param',
      'ENV=dev',
      '--param',
      'DATALAKE=/wh',
      '--param',
      'SRC=/repo/etl/jobs/demo/d.csv',
      '--param',
      'N=3',
    ]);
    expect(inv.sparkConf).toEqual({ 'spark.x': '1' });
  });

  test('pyspark: the script itself with --NAME value pairs', () => {
    const j = job({
      runtime: 'pyspark',
      files: ['demo/count.py'],
      parameters: { input: 'asset:jobs/demo/t.txt' },
    });
    const inv = jobInvocation(pipeline([j]), j, LOCAL);
    expect(inv.mainApplicationFile).toBe('/repo/etl/jobs/demo/count.py');
    expect(inv.arguments.slice(-2)).toEqual(['--input', '/repo/etl/jobs/demo/t.txt']);
    expect(inv.arguments.slice(0, 2)).toEqual(['--EPOCH', '1700000000']);
  });

  test("arc: the given jar and class, the job's environment else the default, tags without run tags locally", () => {
    const j = job({ runtime: 'arc', files: ['demo/load.ipynb'], arcEnvironment: 'production' });
    const inv = jobInvocation(pipeline([j]), j, LOCAL);
    expect(inv).toMatchObject({ mainApplicationFile: '/arc/arc.jar', mainClass: 'ai.tripl.arc.ARC' });
    expect(inv.arcEnvironment).toBe('production');
    expect(inv.arguments.slice(0, 5)).toEqual([
      '--etl.config.uri=/repo/etl/jobs/demo/load.ipynb',
      '--etl.config.job.id=demo-load',
      '--etl.config.environment=production',
      '--etl.config.ignoreEnvironments=false',
      '--etl.config.tags=service=sql-etl-on-eks pipeline=demo owner=team domain=x',
    ]);
    expect(inv.arguments).toContain('--ETL_CONF_DATALAKE=/wh');
    const plain = job({ runtime: 'arc', files: ['demo/load.ipynb'] });
    expect(jobInvocation(pipeline([plain]), plain, LOCAL).arcEnvironment).toBe('dev');
  });

  test('a parameter shadowing a runtime parameter fails naming the file, the job and the parameter', () => {
    const j = job({ parameters: { ETL_CONF_DATALAKE: 'x' } });
    expect(() => jobInvocation(pipeline([j]), j, LOCAL)).toThrow(
      /etl\/pipelines\/demo\.yaml: job 'load': parameter ETL_CONF_DATALAKE shadows a parameter the runtime supplies/,
    );
  });

  test('pyspark with two files fails', () => {
    const j = job({ runtime: 'pyspark', files: ['a.py', 'b.py'] });
    expect(() => jobInvocation(pipeline([j]), j, LOCAL)).toThrow(
      /runtime pyspark runs exactly one file, got 2/,
    );
  });
});

describe('gateStepId', () => {
  test("a job's dependents wait for its tests step when it has data tests, else for the job", () => {
    const test = {
      name: 'not_null(id)',
      kind: 'not_null',
      dataset: 'd',
      failing: 'f',
      sql: 'SELECT 1',
    } as const;
    expect(gateStepId(job({ id: 'load' }))).toBe('load');
    expect(gateStepId(job({ id: 'load', tests: [] }))).toBe('load');
    expect(gateStepId(job({ id: 'load', tests: [test] }))).toBe('load-tests');
  });
});
