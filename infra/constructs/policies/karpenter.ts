import {
  KARPENTER_NODE_ROLE,
  karpenterQueueArn,
  clusterName,
  partition,
  regionalArn,
  roleArn,
} from '../../../config';
import type { PolicyStatement } from '../iam';
import type { WorkloadPolicyContext } from './context';

/**
 * Karpenter v1 controller: the statements of its published CloudFormation reference policy, with the account
 * spelled out where the reference uses `*`. Everything it creates or deletes carries the cluster and node pool tags.
 */
export function karpenter(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const { env } = ctx;
  const p = partition(env);
  const cluster = clusterName(env);
  const ec2 = (resource: string) => regionalArn(env, 'ec2', resource);
  const instanceProfiles = `arn:${p}:iam::${env.account}:instance-profile/*`;
  const launched = ['fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'launch-template/*'].map(ec2);
  launched.push(ec2('spot-instances-request/*'));
  const requestOwned = [
    { test: 'StringEquals', variable: `aws:RequestTag/kubernetes.io/cluster/${cluster}`, values: ['owned'] },
    { test: 'StringEquals', variable: 'aws:RequestTag/eks:eks-cluster-name', values: [cluster] },
    { test: 'StringLike', variable: 'aws:RequestTag/karpenter.sh/nodepool', values: ['*'] },
  ];
  const resourceOwned = [
    { test: 'StringEquals', variable: `aws:ResourceTag/kubernetes.io/cluster/${cluster}`, values: ['owned'] },
    { test: 'StringLike', variable: 'aws:ResourceTag/karpenter.sh/nodepool', values: ['*'] },
  ];
  const profileOwned = (kind: 'Request' | 'Resource') => [
    { test: 'StringEquals', variable: `aws:${kind}Tag/kubernetes.io/cluster/${cluster}`, values: ['owned'] },
    { test: 'StringEquals', variable: `aws:${kind}Tag/topology.kubernetes.io/region`, values: [env.region] },
    { test: 'StringLike', variable: `aws:${kind}Tag/karpenter.k8s.aws/ec2nodeclass`, values: ['*'] },
  ];
  return [
    {
      sid: 'LaunchFromImagesAndNetwork',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [
        `arn:${p}:ec2:${env.region}::image/*`,
        `arn:${p}:ec2:${env.region}::snapshot/*`,
        ec2('security-group/*'),
        ec2('subnet/*'),
        // Capacity reservations and placement groups an EC2NodeClass may select (none by default).
        ec2('capacity-reservation/*'),
        ec2('placement-group/*'),
      ],
    },
    {
      sid: 'LaunchFromOwnedLaunchTemplates',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2('launch-template/*')],
      conditions: resourceOwned,
    },
    {
      sid: 'CreateTaggedInstances',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      resources: launched,
      conditions: requestOwned,
    },
    {
      sid: 'TagOnCreate',
      actions: ['ec2:CreateTags'],
      resources: launched,
      conditions: [
        ...requestOwned,
        {
          test: 'StringEquals',
          variable: 'ec2:CreateAction',
          values: ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'],
        },
      ],
    },
    {
      sid: 'TagOwnedInstances',
      actions: ['ec2:CreateTags'],
      resources: [ec2('instance/*')],
      conditions: [
        ...resourceOwned,
        { test: 'StringEqualsIfExists', variable: 'aws:RequestTag/eks:eks-cluster-name', values: [cluster] },
        {
          test: 'ForAllValues:StringEquals',
          variable: 'aws:TagKeys',
          values: ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'],
        },
      ],
    },
    {
      sid: 'DeleteOwnedInstances',
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      resources: [ec2('instance/*'), ec2('launch-template/*')],
      conditions: resourceOwned,
    },
    {
      sid: 'DescribeRegionalCapacity',
      actions: [
        'ec2:DescribeAvailabilityZones',
        'ec2:DescribeCapacityReservations',
        'ec2:DescribeImages',
        'ec2:DescribeInstances',
        'ec2:DescribeInstanceStatus',
        'ec2:DescribeInstanceTypeOfferings',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplates',
        'ec2:DescribePlacementGroups',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSpotPriceHistory',
        'ec2:DescribeSubnets',
      ],
      resources: ['*'],
      conditions: [{ test: 'StringEquals', variable: 'aws:RequestedRegion', values: [env.region] }],
    },
    {
      sid: 'ReadPublicAmiParameters',
      actions: ['ssm:GetParameter'],
      resources: [`arn:${p}:ssm:${env.region}::parameter/aws/service/*`],
    },
    { sid: 'ReadPrices', actions: ['pricing:GetProducts'], resources: ['*'] },
    {
      sid: 'ConsumeInterruptionQueue',
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      resources: [karpenterQueueArn(env)],
    },
    {
      sid: 'PassNodeRole',
      actions: ['iam:PassRole'],
      resources: [roleArn(env, KARPENTER_NODE_ROLE)],
      conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['ec2.amazonaws.com'] }],
    },
    {
      sid: 'CreateTaggedInstanceProfiles',
      actions: ['iam:CreateInstanceProfile'],
      resources: [instanceProfiles],
      conditions: [
        ...profileOwned('Request'),
        { test: 'StringEquals', variable: 'aws:RequestTag/eks:eks-cluster-name', values: [cluster] },
      ],
    },
    {
      sid: 'TagOwnedInstanceProfiles',
      actions: ['iam:TagInstanceProfile'],
      resources: [instanceProfiles],
      conditions: [
        ...profileOwned('Resource'),
        ...profileOwned('Request'),
        { test: 'StringEquals', variable: 'aws:RequestTag/eks:eks-cluster-name', values: [cluster] },
      ],
    },
    {
      sid: 'ManageOwnedInstanceProfiles',
      actions: [
        'iam:AddRoleToInstanceProfile',
        'iam:RemoveRoleFromInstanceProfile',
        'iam:DeleteInstanceProfile',
      ],
      resources: [instanceProfiles],
      conditions: profileOwned('Resource'),
    },
    { sid: 'ReadInstanceProfiles', actions: ['iam:GetInstanceProfile'], resources: [instanceProfiles] },
    // Karpenter lists instance profiles to garbage-collect the ones it created; IAM cannot scope a list call.
    { sid: 'ListInstanceProfiles', actions: ['iam:ListInstanceProfiles'], resources: ['*'] },
    { sid: 'DiscoverApiServer', actions: ['eks:DescribeCluster'], resources: [ctx.clusterArn] },
    {
      // ARC zonal shift: Karpenter stops launching into a zone the cluster is shifted away from.
      sid: 'ReadZonalShiftOfThisCluster',
      actions: ['arc-zonal-shift:GetManagedResource'],
      resources: ['*'],
      conditions: [
        { test: 'StringEquals', variable: 'arc-zonal-shift:ResourceIdentifier', values: [ctx.clusterArn] },
      ],
    },
  ];
}
