import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import type { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, TerraformOutput, Token } from 'cdktf';
import type { Construct } from 'constructs';
import {
  ADDON_VERSIONS,
  clusterName,
  partition,
  resourcePrefix,
  roleName,
  SYSTEM_NODE_LABEL,
  SYSTEM_NODE_TAINT,
  WORKLOADS,
  type AddonName,
  type EnvironmentConfig,
} from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import { statementsDocument, WorkloadRole, type ClusterIdentity } from '../constructs/iam';
import { KarpenterPrerequisites } from '../constructs/karpenter-prerequisites';
import { PlatformRunner } from '../constructs/platform-runner';
import { SystemNodeGroup } from '../constructs/system-node-group';
import type { FoundationStack } from './foundation-stack';

/** The network facts the cluster needs; the network stack provides them. */
export interface ClusterNetwork {
  readonly vpcId: string;
  /** Private subnets (one or more per AZ, at least two AZs) for the control-plane ENIs and the nodes. */
  readonly privateSubnetIds: string[];
  /** VPC CIDR: clients inside the VPC may reach the private API endpoint. */
  readonly vpcCidr: string;
}

/** Props of {@link ClusterStack}. */
export interface ClusterStackProps extends EnvironmentStackProps {
  /** Supplies the project KMS key (secrets envelope, control-plane logs, node volumes). */
  readonly foundation: FoundationStack;
  /** VPC and private subnets. */
  readonly network: ClusterNetwork;
}

/**
 * Control-plane log types sent to CloudWatch Logs. controllerManager and scheduler are left out: they are the
 * noisiest streams and rarely needed; add them here while debugging scheduling.
 */
export const CONTROL_PLANE_LOG_TYPES: readonly string[] = ['api', 'audit', 'authenticator'];

/** EKS access policy of each `eks.admins[].access` level. */
const ACCESS_POLICIES: Record<EnvironmentConfig['eks']['admins'][number]['access'], string> = {
  'cluster-admin': 'AmazonEKSClusterAdminPolicy',
  admin: 'AmazonEKSAdminPolicy',
  view: 'AmazonEKSViewPolicy',
};

/** `platform-admin` → `PlatformAdmin`: a construct id from the last segment of a role ARN. */
function adminId(principalArn: string): string {
  const name = principalArn.split('/').pop() ?? principalArn;
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The EKS cluster of an environment: private-by-default API endpoint, secrets envelope-encrypted with the project
 * key, control-plane logs in a KMS-encrypted log group with bounded retention, access entries only (no aws-auth
 * ConfigMap, no implicit creator admin), the IRSA OIDC provider, pinned managed add-ons, the system node group and
 * what Karpenter needs before its Helm release.
 */
export class ClusterStack extends EnvironmentStack {
  /** The cluster. */
  public readonly cluster: EksCluster;
  /** What workload roles need to trust this cluster (IRSA) or associate with it (Pod Identity). */
  public readonly identity: ClusterIdentity;
  /** The IAM OIDC provider of the cluster's service account issuer (IRSA). */
  public readonly oidcProvider: IamOpenidConnectProvider;
  /** The managed node group for platform components. */
  public readonly systemNodes: SystemNodeGroup;
  /** Role of the nodes Karpenter launches (the EC2NodeClass `spec.role` is its name). */
  public readonly karpenterNodeRole: IamRole;
  /** Queue Karpenter reads spot interruption, rebalance, state-change and scheduled-change events from. */
  public readonly interruptionQueue: SqsQueue;
  /** CodeBuild project that runs the platform stack's plan/apply from inside the VPC (the API endpoint is private). */
  public readonly platformRunner: PlatformRunner;

  constructor(scope: Construct, props: ClusterStackProps) {
    super(scope, 'cluster', props);
    const { env, network } = props;
    const key = props.foundation.projectKey.key;
    const name = clusterName(env);

    for (const cidr of env.eks.publicAccessCidrs) {
      // config/ rejects it already; the cluster must never be opened to the internet by a bypassed config either.
      if (cidr.endsWith('/0')) {
        throw new Error(
          `${env.name}: eks.publicAccessCidrs contains ${cidr}, which opens the API endpoint to the internet; ` +
            'list your office or VPN CIDRs, or none for a private endpoint',
        );
      }
    }
    if (!Token.isUnresolved(network.privateSubnetIds) && network.privateSubnetIds.length < 2) {
      throw new Error(
        `${env.name}: the cluster got ${network.privateSubnetIds.length} private subnet(s); ` +
          'EKS needs subnets in at least two availability zones',
      );
    }

    // --- Cluster role -------------------------------------------------------------------------------------------
    // Built here rather than with ServiceRole: EKS needs sts:TagSession as well, and it does not set
    // aws:SourceAccount when it assumes the cluster role (iam:PassRole in this account guards the role instead).
    const clusterTrust = new DataAwsIamPolicyDocument(this, 'ClusterRoleTrust', {
      statement: [
        {
          sid: 'EksAssumesClusterRole',
          effect: 'Allow',
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          principals: [{ type: 'Service', identifiers: ['eks.amazonaws.com'] }],
        },
      ],
    });
    const clusterRole = new IamRole(this, 'ClusterRole', {
      name: roleName(env, 'eks-cluster'),
      description: `EKS control plane of ${name}`,
      assumeRolePolicy: clusterTrust.json,
      maxSessionDuration: 3600,
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'ClusterRoleClusterPolicy', {
      role: clusterRole.name,
      policyArn: `arn:${partition(env)}:iam::aws:policy/AmazonEKSClusterPolicy`,
    });
    const secretsEncryption = new IamRolePolicy(this, 'ClusterRoleSecretsEncryption', {
      name: 'secrets-encryption',
      role: clusterRole.id,
      policy: statementsDocument(this, 'ClusterRoleSecretsEncryptionDocument', [
        {
          sid: 'EnvelopeEncryptSecretsWithProjectKey',
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'],
          resources: [key.arn],
        },
      ]).json,
    });

    // --- Control-plane logs: created first so EKS does not create an unencrypted group kept forever -----------
    const logGroup = new CloudwatchLogGroup(this, 'ControlPlaneLogs', {
      name: `/aws/eks/${name}/cluster`,
      retentionInDays: env.eks.logRetentionDays,
      kmsKeyId: key.arn,
    });

    // --- API endpoint security group: HTTPS from inside the VPC (bastions, CI runners, VPN) ----------------------
    const apiSecurityGroup = new SecurityGroup(this, 'ApiSecurityGroup', {
      name: `${resourcePrefix(env)}-eks-api`,
      description: `HTTPS to the ${name} API endpoint from the VPC`,
      vpcId: network.vpcId,
      // No egress rules: Terraform removes the default allow-all; EKS uses its own cluster security group.
    });
    new VpcSecurityGroupIngressRule(this, 'ApiFromVpc', {
      securityGroupId: apiSecurityGroup.id,
      description: 'Kubernetes API from the VPC',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: network.vpcCidr,
    });

    // --- Cluster ----------------------------------------------------------------------------------------------------
    const publicCidrs = [...env.eks.publicAccessCidrs];
    this.cluster = new EksCluster(this, 'Cluster', {
      name,
      version: env.eks.version,
      roleArn: clusterRole.arn,
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: key.arn } },
      vpcConfig: {
        subnetIds: network.privateSubnetIds,
        securityGroupIds: [apiSecurityGroup.id],
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        publicAccessCidrs: publicCidrs.length > 0 ? publicCidrs : undefined,
      },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      // The managed add-ons below replace the unmanaged vpc-cni, kube-proxy and CoreDNS EKS would install.
      bootstrapSelfManagedAddons: false,
      // STANDARD: at the end of standard support EKS upgrades the control plane instead of moving it to extended
      // support, which costs six times as much per hour; upgrades stay a deliberate config change before that.
      upgradePolicy: { supportType: 'STANDARD' },
      kubernetesNetworkConfig: { ipFamily: 'ipv4' },
      dependsOn: [logGroup, clusterPolicy, secretsEncryption],
    });

    // --- Access entries -------------------------------------------------------------------------------------------
    const seen = new Map<string, string>();
    for (const admin of env.eks.admins) {
      const id = `Admin${adminId(admin.principalArn)}`;
      const other = seen.get(id);
      if (other !== undefined) {
        throw new Error(
          `${env.name}: eks.admins lists ${admin.principalArn}` +
            (other === admin.principalArn ? ' twice' : ` and ${other}, which share a role name`) +
            '; give each role one entry with the highest access it needs',
        );
      }
      seen.set(id, admin.principalArn);
      const entry = new EksAccessEntry(this, id, {
        clusterName: this.cluster.name,
        principalArn: admin.principalArn,
        type: 'STANDARD',
      });
      new EksAccessPolicyAssociation(this, `${id}Policy`, {
        clusterName: this.cluster.name,
        principalArn: admin.principalArn,
        policyArn: `arn:${partition(env)}:eks::aws:cluster-access-policy/${ACCESS_POLICIES[admin.access]}`,
        accessScope: { type: 'cluster' },
        dependsOn: [entry],
      });
    }

    // --- IRSA -----------------------------------------------------------------------------------------------------
    const issuer = this.cluster.identity.get(0).oidc.get(0).issuer;
    // No thumbprint: IAM trusts the EKS issuer through its own CA library; provider 6.x leaves the list computed.
    this.oidcProvider = new IamOpenidConnectProvider(this, 'OidcProvider', {
      url: issuer,
      clientIdList: ['sts.amazonaws.com'],
    });
    this.identity = {
      // The attribute, not clusterName(env): it orders Pod Identity associations after the cluster.
      clusterName: this.cluster.name,
      clusterArn: this.cluster.arn,
      oidcProviderArn: this.oidcProvider.arn,
      oidcIssuer: Fn.replace(issuer, 'https://', ''),
    };

    // --- Add-ons and nodes ---------------------------------------------------------------------------------------
    const versions = ADDON_VERSIONS[env.eks.version];
    const addon = (
      id: string,
      addonName: AddonName,
      extra: Partial<ConstructorParameters<typeof EksAddon>[2]>,
    ) =>
      new EksAddon(this, id, {
        clusterName: this.cluster.name,
        addonName,
        addonVersion: versions[addonName],
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'OVERWRITE',
        ...extra,
      });

    // DaemonSets that a node needs before it turns Ready: installed before the node group.
    // The CNI's network policy agent enforces the NetworkPolicies of the job namespace (default deny); without it
    // the API server accepts them and nothing enforces them.
    const vpcCni = addon('AddonVpcCni', 'vpc-cni', {
      configurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }),
    });
    const kubeProxy = addon('AddonKubeProxy', 'kube-proxy', {});
    const podIdentityAgent = addon('AddonPodIdentityAgent', 'eks-pod-identity-agent', {});

    this.systemNodes = new SystemNodeGroup(this, 'SystemNodes', {
      env,
      clusterName: this.cluster.name,
      kubernetesVersion: this.cluster.version,
      subnetIds: network.privateSubnetIds,
      key,
      dependsOn: [vpcCni, kubeProxy, podIdentityAgent],
    });

    // Deployments: they only turn healthy once nodes exist, so they wait for the node group.
    addon('AddonCoreDns', 'coredns', {
      // DNS runs on the on-demand system nodes, never on spot executor capacity.
      configurationValues: JSON.stringify({
        nodeSelector: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
        tolerations: [{ key: SYSTEM_NODE_TAINT.key, operator: 'Exists', effect: SYSTEM_NODE_TAINT.effect }],
      }),
      dependsOn: [this.systemNodes.nodeGroup],
    });

    const ebsCsiRole = new WorkloadRole(this, 'EbsCsiDriverRole', {
      env,
      workload: WORKLOADS.ebsCsiDriver,
      cluster: this.identity,
      statements: [
        {
          sid: 'EncryptVolumesWithProjectKey',
          actions: [
            'kms:Encrypt',
            'kms:Decrypt',
            'kms:ReEncryptFrom',
            'kms:ReEncryptTo',
            'kms:GenerateDataKey',
            'kms:GenerateDataKeyWithoutPlaintext',
            'kms:DescribeKey',
          ],
          resources: [key.arn],
        },
        {
          sid: 'GrantProjectKeyToEbsOnly',
          actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
          resources: [key.arn],
          conditions: [{ test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] }],
        },
      ],
    });
    // The EC2 volume and snapshot permissions: AWS maintains them, scoped by the driver's own resource tags.
    new IamRolePolicyAttachment(this, 'EbsCsiDriverManagedPolicy', {
      role: ebsCsiRole.role.name,
      policyArn: `arn:${partition(env)}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`,
    });
    // The association must exist before the controller pods start, or they come up without credentials.
    const ebsCsiAssociation = ebsCsiRole.node.findChild('PodIdentity') as EksPodIdentityAssociation;
    addon('AddonEbsCsiDriver', 'aws-ebs-csi-driver', {
      dependsOn: [this.systemNodes.nodeGroup, podIdentityAgent, ebsCsiAssociation],
    });

    // --- Karpenter ------------------------------------------------------------------------------------------------
    const karpenter = new KarpenterPrerequisites(this, 'Karpenter', {
      env,
      clusterName: this.cluster.name,
      clusterSecurityGroupId: this.cluster.vpcConfig.clusterSecurityGroupId,
    });
    this.karpenterNodeRole = karpenter.nodeRole;
    this.interruptionQueue = karpenter.interruptionQueue;

    // --- Platform runner: terraform of the platform stack from inside the VPC -----------------------------------------
    this.platformRunner = new PlatformRunner(this, 'PlatformRunner', {
      env,
      clusterName: this.cluster.name,
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      keyArn: key.arn,
    });

    // --- Outputs ----------------------------------------------------------------------------------------------------
    new TerraformOutput(this, 'PlatformRunnerProject', {
      value: this.platformRunner.project.name,
      description:
        'CodeBuild project that plans/applies the platform stack (README: "Apply the platform stack")',
    });
    new TerraformOutput(this, 'ClusterName', { value: this.cluster.name, description: 'EKS cluster name' });
    new TerraformOutput(this, 'ClusterEndpoint', {
      value: this.cluster.endpoint,
      description: 'Kubernetes API endpoint (private unless eks.publicAccessCidrs is set)',
    });
    new TerraformOutput(this, 'KubeconfigCommand', {
      value: `aws eks update-kubeconfig --region ${env.region} --name ${name}`,
      description: 'Adds the cluster to ~/.kube/config (needs an access entry: eks.admins in the config)',
    });
    new TerraformOutput(this, 'OidcProviderArn', {
      value: this.oidcProvider.arn,
      description: 'IAM OIDC provider of the cluster (IRSA trust)',
    });
  }
}
