import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  SPARK_RUNTIME,
  loadEnvironments,
  sparkRuntimeJars,
  jobInvocation,
  loadPipelines,
  RUNTIME_PARAMETER_NAMES,
} from '../../config';
import { AWS_ONLY_JOB_FILES, REPO_ROOT, dagOrder, localInvocationValues } from './run';

/** The parts of the local runner that need no Spark (the runs themselves are in pipelines.local.test.ts). */

const [DEV] = loadEnvironments(['dev']);
const PIPELINES = loadPipelines(REPO_ROOT);
const WAREHOUSE = '/tmp/wh/dev/warehouse';
const STARTED = new Date('2026-01-02T03:04:05.678Z');

describe('local invocation values', () => {
  const values = localInvocationValues(DEV, REPO_ROOT, WAREHOUSE, STARTED);

  test('supply every runtime parameter, none of them in AWS', () => {
    expect(Object.keys(values.runtime).sort()).toEqual([...RUNTIME_PARAMETER_NAMES].sort());
    for (const [name, value] of Object.entries(values.runtime)) {
      expect(value, name).not.toMatch(/^s3a?:\/\//);
    }
    expect(values.runtime.DATALAKE).toBe(WAREHOUSE);
  });

  test("per-run values are the run's start in Argo's formats (Unix seconds, RFC 3339 to the second)", () => {
    expect(values.runtime.EPOCH).toBe('1767323045');
    expect(values.runtime.CURRENT_TIMESTAMP).toBe('2026-01-02T03:04:05Z');
  });

  test('every sample job reads files under etl/ by absolute path, and the sql jobs run the SQL runner itself', () => {
    for (const pipeline of PIPELINES) {
      for (const job of pipeline.jobs) {
        const inv = jobInvocation(pipeline, job, values);
        for (const file of inv.files) expect(fs.existsSync(file), file).toBe(true);
        for (const [, value] of inv.parameters) expect(value).not.toMatch(/^asset:|^s3a?:\/\/sqletl/);
        if (job.runtime === 'sql') {
          expect(inv.mainApplicationFile).toBe(path.join(REPO_ROOT, 'etl/runners/sql_runner.py'));
        }
      }
    }
  });
});

test('jobs run after everything they depend on, in file order otherwise', () => {
  const scd2 = PIPELINES.find((p) => p.name === 'customer-scd2-sql')!;
  expect(dagOrder(scd2).map((j) => j.id)).toEqual([
    'initial-load',
    'delta-load',
    'scd2-merge',
    'register-table',
  ]);
  const reversed = { ...scd2, jobs: [...scd2.jobs].reverse() };
  const order = dagOrder(reversed).map((j) => j.id);
  for (const job of scd2.jobs) {
    for (const dep of job.dependsOn) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(job.id));
  }
});

test('the skipped AWS-only job files exist', () => {
  for (const file of Object.keys(AWS_ONLY_JOB_FILES)) {
    expect(fs.existsSync(path.join(REPO_ROOT, 'etl/jobs', file)), file).toBe(true);
  }
});

test('etl/local/jars.lock pins exactly the Delta jars of config/spark-runtime.ts, each with a SHA-256', () => {
  const lines = fs
    .readFileSync(path.join(REPO_ROOT, 'etl/local/jars.lock'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const locked = lines.map((line) => line.split(/\s+/));
  for (const [sha256] of locked) expect(sha256).toMatch(/^[0-9a-f]{64}$/);
  const delta = sparkRuntimeJars()
    .filter((jar) => jar.group === 'io.delta')
    .map((jar) => `${jar.group}:${jar.artifact}:${jar.version}`);
  expect(locked.map(([, coordinate]) => coordinate)).toEqual(delta);
});

test("make local-env checks for the runtime image's Java", () => {
  const makefile = fs.readFileSync(path.join(REPO_ROOT, 'Makefile'), 'utf8');
  expect(makefile).toMatch(new RegExp(`^LOCAL_JAVA := ${SPARK_RUNTIME.java}$`, 'm'));
});
