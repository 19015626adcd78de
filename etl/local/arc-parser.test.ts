import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  ARC_CORPUS,
  corpusText,
  type ArcCorpusCase,
  lintArcJob,
  environmentSources,
  parseEnvironment,
  jobInvocation,
  loadPipelines,
} from '../../config';
import { lintWithArc, localArcInvocationValues, type ArcLintCase, type ArcLintVerdict } from './arc';

/**
 * Arc's own parser (the local Arc environment, `make arc-env`) over every Arc job of etl/pipelines and over the
 * agreement corpus of config/pipelines/arc-lint.ts, all in one JVM.
 */
const REPO = path.resolve(__dirname, '..', '..');
const WORK = path.join(REPO, '.build', 'arc-parser');
const ENV = parseEnvironment(environmentSources[0]);
const WAREHOUSE = path.join(WORK, 'warehouse');
const CORPUS_ENVIRONMENT = 'production';

interface JobCase {
  readonly id: string;
  readonly environment: string;
  readonly args: string[];
}

/** Every arc job of the shipped pipelines with the arguments the local runner gives it. */
function jobCases(): JobCase[] {
  const values = localArcInvocationValues(REPO, ENV, WAREHOUSE, new Date(Date.UTC(2026, 0, 1)));
  return loadPipelines(REPO).flatMap((pipeline) =>
    pipeline.jobs
      .filter((job) => job.runtime === 'arc')
      .map((job) => {
        const invocation = jobInvocation(pipeline, job, values);
        const args = invocation.arguments.map((a) =>
          a.startsWith('--etl.config.uri=/') ? a.replace('=/', '=file:///') : a,
        );
        return { id: `${pipeline.name}/${job.id}`, environment: invocation.arcEnvironment!, args };
      }),
  );
}

/** The same command line with ignoreEnvironments=true. */
function ignoring(args: readonly string[]): string[] {
  return args.map((a) =>
    a === '--etl.config.ignoreEnvironments=false' ? '--etl.config.ignoreEnvironments=true' : a,
  );
}

function corpusFile(c: ArcCorpusCase): string {
  return path.join(WORK, 'corpus', `${c.id}.${c.kind}`);
}

function corpusArgs(c: ArcCorpusCase): string[] {
  const parameters = { DATALAKE: WAREHOUSE, ...c.parameters };
  return [
    `--etl.config.uri=file://${corpusFile(c)}`,
    `--etl.config.environment=${CORPUS_ENVIRONMENT}`,
    '--etl.config.ignoreEnvironments=false',
    ...Object.entries(parameters).map(([k, v]) => `--ETL_CONF_${k}=${v}`),
  ];
}

/**
 * Arc rejects a case when its parse fails in the job's environment or with ignoreEnvironments, when it would run
 * fewer stages in the job's environment than with ignoreEnvironments (a silently skipped stage), or when a parameter
 * value does not reach its stages as given.
 */
function arcRejects(c: ArcCorpusCase, inEnv: ArcLintVerdict, all: ArcLintVerdict): boolean {
  if (!inEnv.ok || !all.ok || inEnv.stages.length < all.stages.length) return true;
  const details = inEnv.stages.flatMap((s) => Object.values(s));
  return Object.values(c.parameters ?? {}).some((value) => !details.some((d) => d.includes(value)));
}

const jobs = jobCases();
let verdicts: Map<string, ArcLintVerdict>;

beforeAll(async () => {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(path.join(WORK, 'corpus'), { recursive: true });
  for (const c of ARC_CORPUS) fs.writeFileSync(corpusFile(c), corpusText(c));
  const cases: ArcLintCase[] = [
    ...jobs.flatMap((j) => [
      { id: `job:${j.id}`, args: j.args },
      { id: `job:${j.id}:all`, args: ignoring(j.args) },
    ]),
    ...ARC_CORPUS.flatMap((c) => [
      { id: `corpus:${c.id}`, args: corpusArgs(c) },
      { id: `corpus:${c.id}:all`, args: ignoring(corpusArgs(c)) },
    ]),
  ];
  verdicts = await lintWithArc(REPO, cases, WORK);
}, 900_000);

describe("Arc's parser (lint-only) accepts every Arc job of etl/pipelines", () => {
  test('the pipelines have Arc jobs', () => {
    expect(jobs.map((j) => j.id)).toEqual(
      expect.arrayContaining([
        'customer-scd2/initial-load',
        'customer-scd2/scd2-merge',
        'nyc-taxi/trips-per-day-zone',
      ]),
    );
  });

  test.each(jobs.map((j) => [j.id, j] as const))('%s', (_, job) => {
    const inEnv = verdicts.get(`job:${job.id}`)!;
    const all = verdicts.get(`job:${job.id}:all`)!;
    expect(inEnv.errors, `environment ${job.environment}`).toBe('');
    expect(all.errors, 'ignoreEnvironments=true').toBe('');
    // No stage skipped in the job's environment.
    expect(inEnv.stages.map((s) => s.name)).toEqual(all.stages.map((s) => s.name));
    expect(inEnv.stages.length).toBeGreaterThan(0);
  });
});

describe('config/pipelines/arc-lint.ts agrees with Arc on the corpus', () => {
  test('the corpus has at least 20 cases, every disagreement of issue 10 among them', () => {
    expect(ARC_CORPUS.length).toBeGreaterThanOrEqual(20);
    expect(ARC_CORPUS.filter((c) => c.issue === true).length).toBeGreaterThanOrEqual(13);
    expect(new Set(ARC_CORPUS.map((c) => c.id)).size).toBe(ARC_CORPUS.length);
  });

  test.each(ARC_CORPUS.map((c) => [c.id, c] as const))('%s', (_, c) => {
    const inEnv = verdicts.get(`corpus:${c.id}`)!;
    const all = verdicts.get(`corpus:${c.id}:all`)!;
    const arc = arcRejects(c, inEnv, all);
    const problems = lintArcJob({
      repoRoot: REPO,
      file: `etl/jobs/arc-corpus/${c.id}.${c.kind}`,
      text: corpusText(c),
      parameters: { ...c.parameters },
      environments: [CORPUS_ENVIRONMENT],
      environmentReason: `the corpus runs in ${CORPUS_ENVIRONMENT}`,
      context: 'arc corpus',
    });
    const arcSays = `Arc: ${JSON.stringify({ env: inEnv.errors, all: all.errors, stages: inEnv.stages.length })}`;
    expect(arc, `${c.why}; ${arcSays}`).toBe(c.arcRejects);
    expect(problems.length > 0, `${c.why}; lint: ${problems.join(' | ')}; ${arcSays}`).toBe(arc);
  });
});
