import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import {
  irsaSubject,
  partition,
  roleName,
  type EnvironmentConfig,
  type WorkloadIdentity,
} from '../../config';

/**
 * Actions that have no resource-level permissions in IAM, so a statement granting them must name `*` as resource.
 * Nothing else may: {@link statementsDocument} refuses a `*` resource for any action not listed here.
 */
export const WILDCARD_RESOURCE_ACTIONS: readonly string[] = [
  // ECR login tokens are account-wide.
  'ecr:GetAuthorizationToken',
  // EC2 describe calls are account-wide (Karpenter, load balancer controller, CNI discovery).
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeCapacityReservations',
  'ec2:DescribeImages',
  'ec2:DescribeInstanceStatus',
  'ec2:DescribePlacementGroups',
  'ec2:DescribeInstances',
  'ec2:DescribeInstanceTypeOfferings',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeLaunchTemplates',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSpotPriceHistory',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcs',
  'ec2:DescribeAccountAttributes',
  // CodeBuild in a VPC (the platform runner) reads the VPC's DHCP options to resolve names.
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeAddresses',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeTags',
  'ec2:DescribeCoipPools',
  'ec2:DescribeVpcPeeringConnections',
  'ec2:DescribeIpamPools',
  'ec2:DescribeRouteTables',
  'ec2:DescribeVolumes',
  'ec2:DescribeVolumesModifications',
  'ec2:DescribeSnapshots',
  'ec2:GetCoipPoolUsage',
  'ec2:GetSecurityGroupsForVpc',
  // IAM list calls (Karpenter's instance profile garbage collection) cannot be scoped.
  'iam:ListInstanceProfiles',
  // ARC zonal shift reads are scoped by the `arc-zonal-shift:ResourceIdentifier` condition, not by resource.
  'arc-zonal-shift:GetManagedResource',
  // Pricing and Elastic Load Balancing describe calls have no resource-level permissions.
  'pricing:GetProducts',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeListenerCertificates',
  'elasticloadbalancing:DescribeListenerAttributes',
  'elasticloadbalancing:DescribeSSLPolicies',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:DescribeTags',
  'elasticloadbalancing:DescribeTrustStores',
  'elasticloadbalancing:DescribeCapacityReservation',
  // ACM, WAF and Shield lookups by the load balancer controller.
  'acm:ListCertificates',
  'acm:DescribeCertificate',
  'iam:ListServerCertificates',
  'iam:GetServerCertificate',
  'wafv2:GetWebACL',
  'wafv2:GetWebACLForResource',
  'waf-regional:GetWebACLForResource',
  'waf-regional:GetWebACL',
  'shield:GetSubscriptionState',
  'shield:DescribeProtection',
  'cognito-idp:DescribeUserPoolClient',
  // CloudWatch Logs: DescribeLogGroups lists across the account.
  'logs:DescribeLogGroups',
  // Athena and Glue list calls are account-wide.
  'athena:ListWorkGroups',
  'athena:ListDataCatalogs',
  // EKS Auth/Pod Identity and STS identity lookups.
  'sts:GetCallerIdentity',
  'eks:DescribeAddonVersions',
];

/** One IAM policy statement as the kit writes it (Allow unless said otherwise). */
export interface PolicyStatement {
  readonly sid: string;
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: readonly { test: string; variable: string; values: readonly string[] }[];
}

/** Checks the kit's least-privilege rules on a statement; throws naming the statement and the fix. */
export function checkStatement(where: string, statement: PolicyStatement): void {
  const allow = (statement.effect ?? 'Allow') === 'Allow';
  if (!allow) return;
  for (const action of statement.actions) {
    if (action === '*' || action.endsWith(':*')) {
      throw new Error(
        `${where}: statement ${statement.sid} grants '${action}'; list the actions the workload needs`,
      );
    }
  }
  if (statement.resources.includes('*')) {
    const scoped = statement.actions.filter((a) => !WILDCARD_RESOURCE_ACTIONS.includes(a));
    if (scoped.length > 0) {
      throw new Error(
        `${where}: statement ${statement.sid} grants ${scoped.join(', ')} on '*'; these actions support ` +
          'resource-level permissions, so name the ARNs (or add the action to WILDCARD_RESOURCE_ACTIONS with the reason)',
      );
    }
  }
}

/** A policy document from statements, after {@link checkStatement}. */
export function statementsDocument(
  scope: Construct,
  id: string,
  statements: readonly PolicyStatement[],
): DataAwsIamPolicyDocument {
  statements.forEach((s) => checkStatement(scope.node.path, s));
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: statements.map((s): DataAwsIamPolicyDocumentStatement => ({
      sid: s.sid,
      effect: s.effect ?? 'Allow',
      actions: [...s.actions],
      resources: [...s.resources],
      condition: s.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
    })),
  });
}

/** The cluster facts a workload role needs: IRSA trusts the OIDC provider, Pod Identity associates with the cluster. */
export interface ClusterIdentity {
  readonly clusterName: string;
  readonly clusterArn: string;
  /** ARN of the IAM OIDC provider of the cluster. */
  readonly oidcProviderArn: string;
  /** Issuer host and path without `https://`, e.g. `oidc.eks.us-east-1.amazonaws.com/id/ABC`. */
  readonly oidcIssuer: string;
}

/** Props of {@link WorkloadRole}. */
export interface WorkloadRoleProps {
  readonly env: EnvironmentConfig;
  /** The workload (namespace, service account, mechanism) from config/. */
  readonly workload: WorkloadIdentity;
  readonly cluster: ClusterIdentity;
  /** What the workload may do. */
  readonly statements: readonly PolicyStatement[];
}

/**
 * The IAM role of one Kubernetes workload, named by the config/ naming function, trusted by exactly its
 * namespace:serviceaccount (IRSA: `sub` and `aud` on the cluster's OIDC provider; Pod Identity: the EKS pods
 * service principal from this account and cluster, plus the association), with an inline least-privilege policy.
 */
export class WorkloadRole extends Construct {
  public readonly role: IamRole;

  constructor(scope: Construct, id: string, props: WorkloadRoleProps) {
    super(scope, id);
    const { env, workload, cluster } = props;

    const trust =
      workload.mechanism === 'irsa'
        ? new DataAwsIamPolicyDocument(this, 'Trust', {
            statement: [
              {
                sid: 'ServiceAccountWebIdentity',
                effect: 'Allow',
                actions: ['sts:AssumeRoleWithWebIdentity'],
                principals: [{ type: 'Federated', identifiers: [cluster.oidcProviderArn] }],
                condition: [
                  {
                    test: 'StringEquals',
                    variable: `${cluster.oidcIssuer}:sub`,
                    values: [irsaSubject(workload)],
                  },
                  {
                    test: 'StringEquals',
                    variable: `${cluster.oidcIssuer}:aud`,
                    values: ['sts.amazonaws.com'],
                  },
                ],
              },
            ],
          })
        : new DataAwsIamPolicyDocument(this, 'Trust', {
            statement: [
              {
                sid: 'EksPodIdentity',
                effect: 'Allow',
                actions: ['sts:AssumeRole', 'sts:TagSession'],
                principals: [{ type: 'Service', identifiers: ['pods.eks.amazonaws.com'] }],
                condition: [
                  { test: 'StringEquals', variable: 'aws:SourceAccount', values: [env.account] },
                  { test: 'ArnEquals', variable: 'aws:SourceArn', values: [cluster.clusterArn] },
                ],
              },
            ],
          });

    this.role = new IamRole(this, 'Resource', {
      name: roleName(env, workload.role),
      description: `${workload.namespace}/${workload.serviceAccount} (${workload.mechanism})`,
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
    });
    new IamRolePolicy(this, 'Policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: statementsDocument(this, 'PolicyDocument', props.statements).json,
    });
    if (workload.mechanism === 'podIdentity') {
      new EksPodIdentityAssociation(this, 'PodIdentity', {
        clusterName: cluster.clusterName,
        namespace: workload.namespace,
        serviceAccount: workload.serviceAccount,
        roleArn: this.role.arn,
      });
    }
  }
}

/** Props of {@link ServiceRole}. */
export interface ServiceRoleProps {
  readonly env: EnvironmentConfig;
  /** Suffix passed to the naming function, e.g. `codebuild-images`. */
  readonly name: string;
  /** AWS service principal, e.g. `codebuild.amazonaws.com`. */
  readonly servicePrincipal: string;
  /**
   * Extra trust conditions (the default already requires `aws:SourceAccount` = this account where the service sets it).
   * @default - `aws:SourceAccount` equals the environment's account
   */
  readonly trustConditions?: readonly { test: string; variable: string; values: readonly string[] }[];
  /** Inline statements. */
  readonly statements?: readonly PolicyStatement[];
  /**
   * AWS managed policies by name (e.g. `AmazonEKSWorkerNodePolicy`) for roles whose needs AWS defines and maintains.
   * @default []
   */
  readonly managedPolicies?: readonly string[];
}

/** A role assumed by an AWS service (CodeBuild, EKS, EC2 nodes, …) in this account only. */
export class ServiceRole extends Construct {
  public readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const { env } = props;
    const trust = new DataAwsIamPolicyDocument(this, 'Trust', {
      statement: [
        {
          sid: 'ServiceAssumesRole',
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: [props.servicePrincipal] }],
          condition: (
            props.trustConditions ?? [
              { test: 'StringEquals', variable: 'aws:SourceAccount', values: [env.account] },
            ]
          ).map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
        },
      ],
    });
    this.role = new IamRole(this, 'Resource', {
      name: roleName(env, props.name),
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
    });
    if ((props.statements ?? []).length > 0) {
      new IamRolePolicy(this, 'Policy', {
        name: 'least-privilege',
        role: this.role.id,
        policy: statementsDocument(this, 'PolicyDocument', props.statements ?? []).json,
      });
    }
    for (const managed of props.managedPolicies ?? []) {
      new IamRolePolicyAttachment(this, managed, {
        role: this.role.name,
        policyArn: `arn:${partition(env)}:iam::aws:policy/${managed}`,
      });
    }
  }
}
