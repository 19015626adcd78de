import { describe, expect, test } from 'vitest';
import { policiesOf, resolveAttribute, type Statement } from '../lib/iam-policy';
import { TEAM_001, allowsObject, patternsOverlap, refersTo } from './team-001-no-cross-team-write';
import { distStack, pick, resultFor, ruleTests } from '../testing';

const ANALYTICS_SPARK = 'aws_iam_role.team_analytics_spark_job_runner';
const ANALYTICS_DOC = 'data.aws_iam_policy_document.team_analytics_spark_job_runner_policy_document';
const LAKE = 'arn:aws:s3:::sqletl-dev-datalake-111122223333-us-east-1';

const run =
  (role: string, edits = {}) =>
  () =>
    resultFor(TEAM_001.evaluate(distStack('dev-workloads', edits)), role);

ruleTests(TEAM_001, {
  compliant: [
    { name: 'the real analytics job role (own prefix, shared event logs)', result: run(ANALYTICS_SPARK) },
    {
      name: 'the real data-platform notebook role',
      result: run('aws_iam_role.team_data_platform_notebook'),
    },
  ],
  nonCompliant: [
    {
      name: 'the analytics job role also writing the data-platform team’s warehouse/',
      result: run(ANALYTICS_SPARK, {
        [`${ANALYTICS_DOC}.statement.2.resources`]: [`${LAKE}/teams/analytics/*`, `${LAKE}/warehouse/*`],
      }),
      message:
        /grants s3:putobject, s3:deleteobject.* on .*\/warehouse\/\*, which reaches team 'data-platform'/,
    },
    {
      name: 'a write grant on the whole bucket',
      result: run(ANALYTICS_SPARK, { [`${ANALYTICS_DOC}.statement.4.resources`]: [`${LAKE}/*`] }),
      message: /reaches team 'data-platform'/,
    },
  ],
});

/** The identity statements of a role of the committed dev-workloads stack, as the IAM JSON in dist/ holds them. */
function statementsOf(role: string): Statement[] {
  const stack = distStack('dev-workloads');
  const policy = stack.resources.find(
    (r) => r.type === 'aws_iam_role_policy' && refersTo(r.lookup.reference(r.values.role), role),
  )!;
  expect(pick(stack, role)).toBeDefined();
  return policiesOf(policy).flatMap((p) => {
    const resolved = resolveAttribute(policy, p);
    if (resolved.error !== undefined) throw new Error(resolved.error);
    return resolved.statements;
  });
}

describe('team roles, IAM statements of dist/ evaluated', () => {
  const analytics = statementsOf(ANALYTICS_SPARK);
  const platform = statementsOf('aws_iam_role.team_data_platform_spark_job_runner');
  const readOnly = statementsOf('aws_iam_role.team_analytics_notebook_read_only');

  test('team analytics writes its own prefix and cannot write data-platform’s', () => {
    expect(allowsObject(analytics, 's3:PutObject', `${LAKE}/teams/analytics/word_count/part-0.parquet`)).toBe(
      true,
    );
    expect(allowsObject(analytics, 's3:PutObject', `${LAKE}/warehouse/customer/part-0.parquet`)).toBe(false);
    expect(allowsObject(analytics, 's3:DeleteObject', `${LAKE}/raw/nyc-tlc/yellow.parquet`)).toBe(false);
    // …but reads what is shared with it.
    expect(allowsObject(analytics, 's3:GetObject', `${LAKE}/warehouse/customer/part-0.parquet`)).toBe(true);
  });

  test('team data-platform cannot write or read analytics’ prefix (nothing is shared with it)', () => {
    expect(allowsObject(platform, 's3:PutObject', `${LAKE}/warehouse/customer/part-0.parquet`)).toBe(true);
    expect(allowsObject(platform, 's3:PutObject', `${LAKE}/teams/analytics/word_count/x`)).toBe(false);
    expect(allowsObject(platform, 's3:GetObject', `${LAKE}/teams/analytics/word_count/x`)).toBe(false);
  });

  test('members’ notebooks read the team’s data and write nothing in the lake', () => {
    expect(allowsObject(readOnly, 's3:GetObject', `${LAKE}/teams/analytics/word_count/x`)).toBe(true);
    expect(allowsObject(readOnly, 's3:PutObject', `${LAKE}/teams/analytics/word_count/x`)).toBe(false);
  });

  test('pattern overlap: a prefix and its parent overlap, siblings do not', () => {
    expect(patternsOverlap(`${LAKE}/teams/*`, `${LAKE}/teams/analytics/*`)).toBe(true);
    expect(patternsOverlap(`${LAKE}/teams/analytics/*`, `${LAKE}/teams/finance/*`)).toBe(false);
    expect(patternsOverlap(`${LAKE}/spark-event-logs`, `${LAKE}/warehouse/*`)).toBe(false);
  });
});
