import { describe, expect, test } from 'vitest';
import { checkClusterLimits } from './check';
import { Problems } from './problems';
import { PipelineSchema } from './schema';

/** The problem lines of checkClusterLimits for a pipeline `name` with one sql job `id`, with or without data tests. */
function limits(name: string, id: string, tests: unknown[] = [], sparkConf: Record<string, unknown> = {}) {
  const pipeline = PipelineSchema.parse({
    name,
    description: 'd',
    owner: 'data-platform',
    jobs: [{ id, runtime: 'sql', file: 'dt/orders.sql', tests, sparkConf }],
  });
  const problems = new Problems(`etl/pipelines/${name}.yaml`);
  checkClusterLimits(problems, pipeline);
  return problems.lines;
}

describe('checkClusterLimits', () => {
  // A 32-character pipeline name: 32 + 11 (Argo's run suffix) + 1 + id ≤ 63 leaves 19 for a job id, 13 with
  // '-tests' after it.
  const name = 'data-tests-budget-check-pipeline';

  test('a job id within the budget passes, with and without data tests', () => {
    expect(limits(name, 'o'.repeat(19))).toEqual([]);
    expect(limits(name, 'o'.repeat(13), [{ not_null: 'id' }])).toEqual([]);
  });

  test('fails when the job id makes the SparkApplication name longer than 63 characters', () => {
    expect(limits(name, 'o'.repeat(20))).toEqual([
      expect.stringMatching(
        /field jobs\[0\]\.id: 'o{20}' \(20 characters\) makes the SparkApplication name .* 64 characters long .*Shorten the job id to at most 19 characters, or the pipeline name$/,
      ),
    ]);
  });

  test("fails when the tests step's SparkApplication name counts the job id over the budget", () => {
    expect(limits(name, 'o'.repeat(15))).toEqual([]);
    expect(limits(name, 'o'.repeat(15), [{ not_null: 'id' }])).toEqual([
      expect.stringMatching(
        /field jobs\[0\]\.id: 'o{15}' \(15 characters\) with data tests makes the SparkApplication name '<run of data-tests-budget-check-pipeline>-o{15}-tests' longer than Kubernetes' 63 characters; shorten the job id to at most 13 characters, or the pipeline name$/,
      ),
    ]);
  });

  test('a job id over both budgets is reported once, for the job itself', () => {
    expect(limits(name, 'o'.repeat(20), [{ not_null: 'id' }])).toEqual([
      expect.stringMatching(/'o{20}' \(20 characters\) makes the SparkApplication name/),
    ]);
  });

  test('fails when sparkConf sets what size: or resources: owns', () => {
    expect(limits('p', 'j', [], { 'spark.executor.memory': '4g' })).toEqual([
      expect.stringMatching(
        /field jobs\[0\]\.sparkConf\["spark\.executor\.memory"\]: is set by the job's size:/,
      ),
    ]);
  });
});
