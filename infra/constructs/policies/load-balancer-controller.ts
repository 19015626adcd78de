import { partition, regionalArn } from '../../../config';
import type { PolicyStatement } from '../iam';
import type { WorkloadPolicyContext } from './context';

/**
 * AWS Load Balancer Controller: the statements of its published iam_policy.json (v2.14+/v3), with `*` resources
 * narrowed to ARN patterns in this account and region wherever IAM supports resource-level permissions. Only
 * Application Load Balancers (Ingress): the kit creates no Service of type LoadBalancer, so no `net/` patterns.
 */
export function loadBalancerController(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const { env } = ctx;
  const p = partition(env);
  const elb = (resource: string) => regionalArn(env, 'elasticloadbalancing', resource);
  const alb = elb('loadbalancer/app/*/*');
  const targetGroups = elb('targetgroup/*/*');
  const listeners = elb('listener/app/*/*/*');
  const rules = elb('listener-rule/app/*/*/*');
  const securityGroups = regionalArn(env, 'ec2', 'security-group/*');
  const tagged = { test: 'Null', variable: 'aws:ResourceTag/elbv2.k8s.aws/cluster', values: ['false'] };
  const tagging = { test: 'Null', variable: 'aws:RequestTag/elbv2.k8s.aws/cluster', values: ['false'] };
  const notRetagging = { test: 'Null', variable: 'aws:RequestTag/elbv2.k8s.aws/cluster', values: ['true'] };
  return [
    {
      sid: 'CreateElbServiceLinkedRole',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [
        `arn:${p}:iam::${env.account}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`,
      ],
      conditions: [
        {
          test: 'StringEquals',
          variable: 'iam:AWSServiceName',
          values: ['elasticloadbalancing.amazonaws.com'],
        },
      ],
    },
    {
      sid: 'DescribeNetworkAndLoadBalancers',
      actions: [
        'ec2:DescribeAccountAttributes',
        'ec2:DescribeAddresses',
        'ec2:DescribeAvailabilityZones',
        'ec2:DescribeInternetGateways',
        'ec2:DescribeVpcs',
        'ec2:DescribeVpcPeeringConnections',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeTags',
        'ec2:GetCoipPoolUsage',
        'ec2:DescribeCoipPools',
        'ec2:GetSecurityGroupsForVpc',
        'ec2:DescribeIpamPools',
        'ec2:DescribeRouteTables',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeSSLPolicies',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTrustStores',
        'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeCapacityReservation',
      ],
      resources: ['*'],
    },
    {
      sid: 'LookUpCertificatesAndProtection',
      actions: [
        'cognito-idp:DescribeUserPoolClient',
        'acm:ListCertificates',
        'acm:DescribeCertificate',
        'iam:ListServerCertificates',
        'iam:GetServerCertificate',
        'waf-regional:GetWebACL',
        'waf-regional:GetWebACLForResource',
        'wafv2:GetWebACL',
        'wafv2:GetWebACLForResource',
        'shield:GetSubscriptionState',
        'shield:DescribeProtection',
      ],
      resources: ['*'],
    },
    {
      sid: 'AssociateWebAcls',
      actions: [
        'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL',
        'waf-regional:AssociateWebACL',
        'waf-regional:DisassociateWebACL',
      ],
      resources: [
        regionalArn(env, 'wafv2', 'regional/webacl/*/*'),
        regionalArn(env, 'waf-regional', 'webacl/*'),
        alb,
      ],
    },
    {
      sid: 'ManageShieldProtection',
      actions: ['shield:CreateProtection', 'shield:DeleteProtection'],
      resources: [`arn:${p}:shield::${env.account}:protection/*`],
    },
    // The controller opens the node security groups (which it does not own) to its load balancers.
    {
      sid: 'ManageSecurityGroupIngress',
      actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
      resources: [securityGroups],
    },
    {
      sid: 'CreateSecurityGroups',
      actions: ['ec2:CreateSecurityGroup'],
      resources: [securityGroups, regionalArn(env, 'ec2', 'vpc/*')],
    },
    {
      sid: 'TagSecurityGroupsOnCreate',
      actions: ['ec2:CreateTags'],
      resources: [securityGroups],
      conditions: [
        { test: 'StringEquals', variable: 'ec2:CreateAction', values: ['CreateSecurityGroup'] },
        tagging,
      ],
    },
    {
      sid: 'RetagOwnedSecurityGroups',
      actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
      resources: [securityGroups],
      conditions: [notRetagging, tagged],
    },
    {
      sid: 'DeleteOwnedSecurityGroups',
      actions: ['ec2:DeleteSecurityGroup'],
      resources: [securityGroups],
      conditions: [tagged],
    },
    {
      sid: 'CreateTaggedLoadBalancers',
      actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      resources: [alb, targetGroups],
      conditions: [tagging],
    },
    {
      sid: 'ManageListenersAndRules',
      actions: [
        'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:DeleteRule',
      ],
      resources: [alb, listeners, rules],
    },
    {
      sid: 'RetagOwnedLoadBalancers',
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: [targetGroups, alb],
      conditions: [notRetagging, tagged],
    },
    {
      sid: 'TagListenersAndRules',
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: [listeners, rules],
    },
    {
      sid: 'ManageOwnedLoadBalancers',
      actions: [
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:SetIpAddressType',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets',
        'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyListenerAttributes',
        'elasticloadbalancing:ModifyCapacityReservation',
        'elasticloadbalancing:ModifyIpPools',
      ],
      resources: [alb, targetGroups, listeners],
      conditions: [tagged],
    },
    {
      sid: 'TagLoadBalancersOnCreate',
      actions: ['elasticloadbalancing:AddTags'],
      resources: [targetGroups, alb],
      conditions: [
        {
          test: 'StringEquals',
          variable: 'elasticloadbalancing:CreateAction',
          values: ['CreateTargetGroup', 'CreateLoadBalancer'],
        },
        tagging,
      ],
    },
    {
      sid: 'RegisterTargets',
      actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      resources: [targetGroups],
    },
    {
      sid: 'ConfigureListenersAndRules',
      actions: [
        'elasticloadbalancing:SetWebAcl',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates',
        'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:SetRulePriorities',
      ],
      resources: [alb, listeners, rules],
    },
  ];
}
