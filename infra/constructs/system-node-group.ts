import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Token, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { resourcePrefix, SYSTEM_NODE_LABEL, SYSTEM_NODE_TAINT, type EnvironmentConfig } from '../../config';
import { ServiceRole } from './iam';
import { systemNodeCount, systemPods } from './system-capacity';

/**
 * AWS managed policies of an EKS node role (system nodes and Karpenter nodes). The CNI policy sits on the node role
 * rather than on an aws-node IRSA/Pod Identity role: the CNI must assign pod IPs before any identity plumbing runs,
 * and the launch templates set an IMDS hop limit of 1, so pods (other than host-network ones) cannot reach the node
 * role's credentials. `AmazonEC2ContainerRegistryPullOnly` replaces the broader `…ReadOnly` policy (pull, no listing).
 */
export const NODE_MANAGED_POLICIES: readonly string[] = [
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKS_CNI_Policy',
  'AmazonEC2ContainerRegistryPullOnly',
];

/**
 * Trust conditions of node roles: none beyond the EC2 service principal. EC2 does not put `aws:SourceAccount` into
 * the request context when it assumes an instance profile role, so the ServiceRole default condition would leave the
 * nodes without credentials; who may attach the role is governed by `iam:PassRole` in this account instead.
 */
export const NODE_TRUST_CONDITIONS: readonly { test: string; variable: string; values: readonly string[] }[] =
  [];

/** Props of {@link SystemNodeGroup}. */
export interface SystemNodeGroupProps {
  readonly env: EnvironmentConfig;
  /** Name of the cluster (pass the cluster resource's attribute so Terraform orders the node group after it). */
  readonly clusterName: string;
  /** Kubernetes version of the nodes (the cluster's version, so control-plane upgrades roll the nodes). */
  readonly kubernetesVersion: string;
  /** Private subnets the nodes run in. */
  readonly subnetIds: string[];
  /** Project key that encrypts the root volumes. */
  readonly key: KmsKey;
  /**
   * Resources that must exist before nodes join (the networking add-ons).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The managed node group for platform components: Graviton, on-demand, in private subnets, labelled and tainted
 * ({@link SYSTEM_NODE_LABEL}, {@link SYSTEM_NODE_TAINT}), launched from a template that requires IMDSv2 with a hop
 * limit of 1 and encrypts the gp3 root volume with the project key. No SSH key: use SSM or `kubectl debug node`.
 */
export class SystemNodeGroup extends Construct {
  /** The node group. */
  public readonly nodeGroup: EksNodeGroup;
  /** The nodes' IAM role (EKS creates its EC2_LINUX access entry itself for managed node groups). */
  public readonly role: IamRole;
  /** The launch template. */
  public readonly launchTemplate: LaunchTemplate;

  constructor(scope: Construct, id: string, props: SystemNodeGroupProps) {
    super(scope, id);
    const { env } = props;
    const nodes = env.eks.systemNodes;

    const role = new ServiceRole(this, 'Role', {
      env,
      name: 'system-node',
      servicePrincipal: 'ec2.amazonaws.com',
      trustConditions: NODE_TRUST_CONDITIONS,
      managedPolicies: NODE_MANAGED_POLICIES,
    });
    this.role = role.role;
    // Nodes that boot before their policies are attached never join; the node group references only the role ARN.
    const attachments = role.node.children.filter((c) => c instanceof IamRolePolicyAttachment);

    this.launchTemplate = new LaunchTemplate(this, 'LaunchTemplate', {
      name: `${resourcePrefix(env)}-system-nodes`,
      description: 'EKS system nodes: IMDSv2 only, encrypted gp3 root volume',
      updateDefaultVersion: true,
      // No image id and no instance type: EKS picks the AL2023 AMI for the node group's version and the node group
      // lists the instance types.
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        // 1 hop: a pod in its own network namespace cannot reach IMDS, so it cannot use the node role.
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeType: 'gp3',
            volumeSize: nodes.diskSizeGiB,
            encrypted: 'true',
            kmsKeyId: props.key.arn,
            deleteOnTermination: 'true',
          },
        },
      ],
      tagSpecifications: [
        { resourceType: 'instance', tags: { Name: `${resourcePrefix(env)}-system` } },
        { resourceType: 'volume', tags: { Name: `${resourcePrefix(env)}-system` } },
      ],
    });

    const scaling = systemScaling(env);
    this.nodeGroup = new EksNodeGroup(this, 'Resource', {
      clusterName: props.clusterName,
      // A prefix, not a fixed name: changing the instance types replaces the node group, and the new one must be
      // created before the old one is destroyed.
      nodeGroupNamePrefix: 'system-',
      version: props.kubernetesVersion,
      nodeRoleArn: this.role.arn,
      subnetIds: props.subnetIds,
      amiType: 'AL2023_ARM_64_STANDARD',
      capacityType: 'ON_DEMAND',
      instanceTypes: [...nodes.instanceTypes],
      scalingConfig: scaling,
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: {
        id: this.launchTemplate.id,
        version: Token.asString(this.launchTemplate.latestVersion),
      },
      labels: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
      taint: [{ key: SYSTEM_NODE_TAINT.key, value: SYSTEM_NODE_TAINT.value, effect: 'NO_SCHEDULE' }],
      nodeRepairConfig: { enabled: true },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [...attachments, ...(props.dependsOn ?? [])],
    });
  }
}

/**
 * Minimum, desired and maximum size of the system node group: the node count the platform's pod requests need
 * (infra/constructs/system-capacity.ts) unless the environment sets more. A configured size below it fails the synth:
 * pods would stay pending on a cluster that looks healthy.
 */
export function systemScaling(env: EnvironmentConfig): {
  minSize: number;
  desiredSize: number;
  maxSize: number;
} {
  const nodes = env.eks.systemNodes;
  const required = systemNodeCount(env);
  const where = `config/environments/${env.name}.ts: eks.systemNodes`;
  const requested = systemPods(env).filter((p) => p.replicas !== 'per-node');
  const cpu = requested.reduce((n, p) => n + (p.replicas as number) * p.cpu, 0);
  const memory = requested.reduce((n, p) => n + (p.replicas as number) * p.memory, 0);
  const minSize = nodes.minSize ?? required;
  if (minSize < required) {
    throw new Error(
      `${where}.minSize is ${minSize}, but the platform's pods request ${cpu}m CPU and ${memory} MiB, which need ` +
        `${required} × ${nodes.instanceTypes[0]}` +
        (required > 2 && env.network.azCount >= 3
          ? ' (one of them spare, the environment being highly available)'
          : '') +
        `; set minSize to ${required} or more, or leave it out to have it computed`,
    );
  }
  const desiredSize = nodes.desiredSize ?? minSize;
  if (desiredSize < minSize) {
    throw new Error(
      `${where}.desiredSize is ${desiredSize}, below minSize ${minSize}; raise it or leave it out`,
    );
  }
  const maxSize = nodes.maxSize ?? desiredSize + 2;
  if (maxSize < desiredSize) {
    throw new Error(
      `${where}.maxSize is ${maxSize}, below desiredSize ${desiredSize}; raise it or leave it out`,
    );
  }
  return { minSize, desiredSize, maxSize };
}
