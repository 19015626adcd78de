import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  loadEnvironments,
  loadPipelines,
  testsInvocation,
  PER_RUN_PARAMETERS,
  runtimeParameters,
} from '../../config';

const REPO_ROOT = path.resolve(__dirname, '../..');
const RUNNER = 'etl/runners/sql_runner.py';

/**
 * Runs python3 without writing __pycache__: etl/runners/ is uploaded as job assets, and compiled files there would
 * become assets (and differ between Python versions).
 */
function python(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('python3', ['-B', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('sql_runner.py', () => {
  test('its Python unit tests pass (splitting, substitution, parameters, dry run)', () => {
    const run = python(['-m', 'unittest', '-v', 'etl/runners/test_sql_runner.py']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Ran \d+ tests/);
    expect(run.stderr).toMatch(/\nOK\s*$/);
    expect(fs.existsSync(path.join(REPO_ROOT, 'etl/runners/__pycache__'))).toBe(false);
  });

  test('every sql job of the sample pipelines splits and substitutes with the parameters it is given', () => {
    const [env] = loadEnvironments(['dev']);
    const runtime: Record<string, string> = {
      ...runtimeParameters(env),
      ...Object.fromEntries(PER_RUN_PARAMETERS.map((name) => [name, `<${name}>`])),
    };
    const sqlJobs = loadPipelines(REPO_ROOT, env).flatMap((pipeline) =>
      pipeline.jobs.filter((job) => job.runtime === 'sql').map((job) => ({ pipeline, job })),
    );
    expect(sqlJobs.map(({ pipeline, job }) => `${pipeline.name}/${job.id}`)).toEqual(
      expect.arrayContaining(['customer-scd2-sql/initial-load', 'customer-scd2-sql/scd2-merge']),
    );
    for (const { pipeline, job } of sqlJobs) {
      const run = python([
        RUNNER,
        '--dry-run',
        ...job.files.flatMap((file) => ['--sql', `etl/jobs/${file}`]),
        ...Object.entries({ ...runtime, ...job.parameters }).flatMap(([k, v]) => ['--param', `${k}=${v}`]),
      ]);
      expect(run.status, `${pipeline.name}/${job.id}: ${run.stderr}`).toBe(0);
      expect(run.stdout).not.toMatch(/\$\{[A-Za-z_]\w*\}/);
      expect(run.stdout).toContain(`${runtime.DATALAKE}/customer_sql/`);
    }
  });

  test('the SCD2 merge runs CREATE, views, then MERGE, in file order', () => {
    const run = python([
      RUNNER,
      '--dry-run',
      '--sql',
      'etl/jobs/customer-scd2-sql/03_scd2_merge.sql',
      '--param',
      'DATALAKE=s3a://lake/warehouse',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const firstWords = [...run.stdout.matchAll(/\(line \d+\)\n(\w+)/g)].map((m) => m[1]);
    expect(firstWords).toEqual(['CREATE', 'CREATE', 'CREATE', 'MERGE']);
  });

  test("the merge's data tests, as the cluster passes them, substitute every parameter in the runner", () => {
    const [env] = loadEnvironments(['dev']);
    const pipeline = loadPipelines(REPO_ROOT, env).find((p) => p.name === 'customer-scd2-sql')!;
    const merge = pipeline.jobs.find((job) => job.id === 'scd2-merge')!;
    const invocation = testsInvocation(pipeline, merge, {
      runtime: {
        ...runtimeParameters(env),
        ...Object.fromEntries(PER_RUN_PARAMETERS.map((name) => [name, `<${name}>`])),
      },
      fileUri: (file) => file,
      defaultArcEnvironment: env.name,
      arcApplication: { jar: 'arc.jar', mainClass: 'ai.tripl.arc.ARC' },
    });
    const run = python([RUNNER, '--dry-run', ...invocation.arguments]);
    expect(run.status, run.stderr).toBe(0);
    const headers = [
      ...run.stdout.matchAll(/^-- data test (\d+)\/(\d+) '([^']+)' on (\S+): fails on (.*)$/gm),
    ];
    expect(headers.map((m) => m[3])).toEqual((merge.tests ?? []).map((t) => t.name));
    for (const header of headers)
      expect(header[4]).toBe(`${runtimeParameters(env).DATALAKE}/customer_sql/contacts_scd2`);
    expect(run.stdout).not.toMatch(/\$\{[A-Za-z_]\w*\}/);
    expect(run.stdout).toContain('HAVING count(*) <> 1192;');
    expect(run.stdout).toContain('fails on row count not equal to 92\n');
  });

  test('fails naming the missing parameters when one is not supplied', () => {
    const run = python([RUNNER, '--dry-run', '--sql', 'etl/jobs/customer-scd2-sql/01_stage_initial.sql']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/missing parameters? in .*01_stage_initial\.sql.*CONTACTS_INITIAL/);
  });
});
