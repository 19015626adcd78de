import { describe, expect, test } from 'vitest';
import { teamsCheck } from './teams';
import { copyDist, lines, replaceText, runOn } from './testing';

const WORD_COUNT = 'k8s/dev/dev-pipelines/WorkflowTemplate.word-count.yaml';
const NYC_TAXI = 'k8s/dev/dev-pipelines/WorkflowTemplate.nyc-taxi.yaml';

describe('teams', () => {
  test('every pipeline of the committed dist/ is in its team’s namespace, with its accounts, roles and cost labels', () => {
    const result = runOn(teamsCheck);
    expect(lines(result)).toEqual([]);
    // Four pipelines (templates, three schedules, five applications) in two environments.
    expect(result.checked).toBeGreaterThanOrEqual(2 * (4 + 3 + 5));
  });

  test('fails on a team’s pipeline rendered into another team’s namespace', () => {
    const dist = copyDist();
    replaceText(dist, WORD_COUNT, 'namespace: team-analytics', 'namespace: team-data-platform');
    expect(lines(runOn(teamsCheck, dist))).toContainEqual(
      expect.stringMatching(
        /WorkflowTemplate\/team-data-platform\/word-count {2}belongs to team 'analytics' but lands in namespace team-data-platform; render it into team-analytics$/,
      ),
    );
  });

  test('fails on an application in a team’s namespace without the team label, and on a driver missing cost labels', () => {
    const dist = copyDist();
    replaceText(
      dist,
      NYC_TAXI,
      'sql-etl-on-eks/job: trips-per-day-zone',
      'sql-etl-on-eks/step: trips-per-day-zone',
    );
    const found = lines(runOn(teamsCheck, dist));
    expect(found).toContainEqual(
      expect.stringMatching(/spec\.driver lacks the cost label\(s\) sql-etl-on-eks\/job$/),
    );
    expect(found).toContainEqual(
      expect.stringMatching(/spec\.executor lacks the cost label\(s\) sql-etl-on-eks\/job$/),
    );
  });

  test('fails when a team’s Spark role is trusted by another namespace too', () => {
    const dist = copyDist();
    replaceText(
      dist,
      'terraform/stacks/dev-workloads/cdk.tf.json',
      '"system:serviceaccount:team-analytics:spark-job-runner"',
      '"system:serviceaccount:team-analytics:spark-job-runner", "system:serviceaccount:spark-jobs:spark-job-runner"',
    );
    expect(lines(runOn(teamsCheck, dist))).toContainEqual(
      expect.stringMatching(
        /role .*team-analytics-spark is trusted by .*spark-jobs:spark-job-runner.*not only by/,
      ),
    );
  });
});
