import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { TerraformOutput, Token } from 'cdktf';
import type { Construct } from 'constructs';
import {
  NAMESPACES,
  clusterName,
  logGroupName,
  teamWorkloads,
  WORKLOADS,
  type TeamWorkloads,
} from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import { WorkloadRole, type ClusterIdentity } from '../constructs/iam';
import {
  FLUENT_BIT_LOG_GROUPS,
  TEAM_POLICIES,
  WORKLOAD_POLICIES,
  type WorkloadKey,
} from '../constructs/workload-policies';
import type { FoundationStack } from './foundation-stack';

/** Props of {@link WorkloadsStack}. */
export interface WorkloadsStackProps extends EnvironmentStackProps {
  /** The project KMS key (S3 objects and log groups are encrypted with it). */
  readonly foundation: FoundationStack;
  /** The cluster the workloads run in: IRSA trusts its OIDC provider, Pod Identity associates with it. */
  readonly cluster: ClusterIdentity;
}

/** `data-platform` → `dataPlatform`. */
function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `sparkJobRunner` → `SparkJobRunner`: construct ids are PascalCase. */
function constructId(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

/**
 * One IAM role per Kubernetes workload identity in config/ (except the EBS CSI driver, which the cluster stack
 * owns), each trusted by exactly its namespace and service account and allowed exactly what that workload does,
 * on named ARNs. Also the CloudWatch log groups Fluent Bit writes to, so the platform, not the agent, owns them.
 */
export class WorkloadsStack extends EnvironmentStack {
  /** The role of each workload, by its key in `WORKLOADS`. */
  public readonly roles: Record<WorkloadKey, IamRole>;
  /** The roles of every team, by role suffix (`team-<name>-spark`, …). */
  public readonly teamRoles: Record<string, IamRole>;
  /** The log groups Fluent Bit ships to, by purpose. */
  public readonly logGroups: Record<(typeof FLUENT_BIT_LOG_GROUPS)[number], CloudwatchLogGroup>;

  constructor(scope: Construct, props: WorkloadsStackProps) {
    super(scope, 'workloads', props);
    const { env, foundation, cluster } = props;

    if (foundation.env.name !== env.name || foundation.env.prefix !== env.prefix) {
      throw new Error(
        `workloads stack of '${env.prefix}-${env.name}' was given the foundation stack of ` +
          `'${foundation.env.prefix}-${foundation.env.name}'; pass the foundation stack of the same environment`,
      );
    }
    // Karpenter's tag conditions name the cluster from config; a literal name that differs would never match.
    if (!Token.isUnresolved(cluster.clusterName) && cluster.clusterName !== clusterName(env)) {
      throw new Error(
        `cluster name '${cluster.clusterName}' is not the environment's cluster '${clusterName(env)}'; ` +
          'pass the ClusterIdentity of this environment',
      );
    }

    const keyArn = foundation.projectKey.key.arn;
    const ctx = { env, keyArn, clusterArn: cluster.clusterArn };

    const logGroups = {} as Record<(typeof FLUENT_BIT_LOG_GROUPS)[number], CloudwatchLogGroup>;
    for (const purpose of FLUENT_BIT_LOG_GROUPS) {
      logGroups[purpose] = new CloudwatchLogGroup(this, `${constructId(purpose)}LogGroup`, {
        name: logGroupName(env, purpose),
        kmsKeyId: keyArn,
        retentionInDays: env.logs.retentionDays,
      });
    }
    this.logGroups = logGroups;

    const roles = {} as Record<WorkloadKey, IamRole>;
    for (const key of Object.keys(WORKLOAD_POLICIES) as WorkloadKey[]) {
      roles[key] = new WorkloadRole(this, constructId(key), {
        env,
        workload: WORKLOADS[key],
        cluster,
        statements: WORKLOAD_POLICIES[key](ctx),
      }).role;
    }
    this.roles = roles;

    // Each team's roles: its jobs, workflow pods and notebooks (read-write and read-only) on its own data.
    const teamRoles: Record<string, IamRole> = {};
    for (const team of env.teams) {
      const workloads = teamWorkloads(team, NAMESPACES.jupyter);
      for (const key of Object.keys(TEAM_POLICIES) as (keyof TeamWorkloads)[]) {
        teamRoles[workloads[key].role] = new WorkloadRole(
          this,
          `Team${constructId(camel(team.name))}${constructId(key)}`,
          {
            env,
            workload: workloads[key],
            cluster,
            statements: TEAM_POLICIES[key](ctx, team),
          },
        ).role;
      }
    }
    this.teamRoles = teamRoles;

    new TerraformOutput(this, 'WorkloadRoleArns', {
      description: 'IAM role ARN of each workload identity (key as in WORKLOADS of config/naming.ts)',
      value: Object.fromEntries(Object.entries(roles).map(([key, role]) => [key, role.arn])),
    });
    new TerraformOutput(this, 'TeamRoleArns', {
      description: 'IAM role ARN of each team identity (role suffix as in teamWorkloads of config/teams.ts)',
      value: Object.fromEntries(Object.entries(teamRoles).map(([key, role]) => [key, role.arn])),
    });
  }
}
