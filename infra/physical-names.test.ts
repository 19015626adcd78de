import { describe, expect, test } from 'vitest';
import { DEV, PROD, devWith, type TerraformJson } from './testing';
import { synthEnvironments } from './testing-app';

/** Resource types whose name is unique per account (and region), with the argument that holds the name. */
const NAMED: Record<string, string> = {
  aws_s3_bucket: 'bucket',
  aws_iam_role: 'name',
  aws_iam_policy: 'name',
  aws_iam_instance_profile: 'name',
  aws_kms_alias: 'name',
  aws_eks_cluster: 'name',
  aws_cloudwatch_log_group: 'name',
  aws_sqs_queue: 'name',
  aws_cloudwatch_event_rule: 'name',
  aws_ecr_repository: 'name',
  aws_codebuild_project: 'name',
  aws_codepipeline: 'name',
  aws_glue_catalog_database: 'name',
  aws_athena_workgroup: 'name',
  aws_cognito_user_pool: 'name',
  aws_cognito_user_pool_domain: 'domain',
  aws_secretsmanager_secret: 'name',
  aws_security_group: 'name',
  aws_launch_template: 'name',
  aws_cloudfront_vpc_origin: 'name',
  aws_cloudfront_origin_access_control: 'name',
};

/** Every account-unique physical name in synthesized stacks, as `type name`. */
function physicalNames(stacks: Map<string, TerraformJson>): string[] {
  const names: string[] = [];
  for (const json of stacks.values()) {
    for (const [type, field] of Object.entries(NAMED)) {
      for (const resource of Object.values(json.resource?.[type] ?? {})) {
        const value =
          resource[field] ?? (resource.vpc_origin_endpoint_config as { name?: string } | undefined)?.name;
        if (typeof value === 'string') names.push(`${type} ${value}`);
      }
    }
  }
  return names.sort();
}

describe('physical names', () => {
  const a = physicalNames(synthEnvironments(DEV));
  // Team databases are named in the config, not derived from the prefix: the second deployment names its own.
  const b = physicalNames(
    synthEnvironments(
      devWith({
        prefix: 'other',
        teams: DEV.teams.map((team) => ({
          ...team,
          owns: {
            ...team.owns,
            databases: team.owns.databases.map((db) => db.replace(/^sqletl_/, 'other_')),
          },
        })),
      }),
    ),
  );

  test('every named resource is found', () => {
    expect(a.length).toBeGreaterThan(3);
  });

  test('two deployments with different prefixes in one account and region share no physical name', () => {
    expect(a.filter((name) => b.includes(name))).toEqual([]);
  });

  test('dev and prod in one account and region share no physical name', () => {
    const both = physicalNames(synthEnvironments(DEV, PROD));
    expect(new Set(both).size).toBe(both.length);
  });

  test('every physical name carries the prefix', () => {
    for (const name of a) expect(name).toMatch(/sqletl/);
  });
});
