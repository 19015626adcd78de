/**
 * verify's own list of the actions an identity policy may grant on resource "*" (rule IAM-003).
 *
 * It is deliberately a second, independent list: a checker must not take its truth from the code it checks, so this
 * file does not import infra/'s allow-list. When infra/ grants a new action on "*", IAM-003 fails until the action is
 * also added here with its reason, which makes the reviewer look it up.
 *
 * Source: the AWS Service Authorization Reference ("Actions, resources, and condition keys for <service>"). Its
 * Actions table has a Resource types column; when that column is empty for an action, the action has no
 * resource-level permissions and a policy must name "*" as its resource.
 */

/** One action with the reason it may be granted on "*". */
export interface WildcardAction {
  readonly action: string;
  readonly why: string;
}

const NO_RESOURCE_TYPE = 'no resource type in the Service Authorization Reference: IAM cannot scope it';

function noResourceType(service: string, actions: readonly string[], detail: string): WildcardAction[] {
  return actions.map((a) => ({ action: `${service}:${a}`, why: `${NO_RESOURCE_TYPE} (${detail})` }));
}

/**
 * Actions whose Resource types column is empty in the Service Authorization Reference, so "*" is the only resource
 * a policy can name.
 */
export const NO_RESOURCE_LEVEL_ACTIONS: readonly WildcardAction[] = [
  ...noResourceType('ecr', ['GetAuthorizationToken'], 'a registry login token is valid for every repository'),
  // Amazon EC2: the Describe* (and the two Get*) list calls below have no resource type; they list across the account
  // and are filtered by request parameters, not by the policy.
  ...noResourceType(
    'ec2',
    [
      'DescribeAccountAttributes',
      'DescribeAddresses',
      'DescribeAvailabilityZones',
      'DescribeCapacityReservations',
      'DescribeCoipPools',
      'DescribeDhcpOptions',
      'DescribeImages',
      'DescribeInstanceStatus',
      'DescribeInstanceTypeOfferings',
      'DescribeInstanceTypes',
      'DescribeInstances',
      'DescribeInternetGateways',
      'DescribeIpamPools',
      'DescribeLaunchTemplates',
      'DescribeNetworkInterfaces',
      'DescribePlacementGroups',
      'DescribeRouteTables',
      'DescribeSecurityGroups',
      'DescribeSnapshots',
      'DescribeSpotPriceHistory',
      'DescribeSubnets',
      'DescribeTags',
      'DescribeVolumes',
      'DescribeVolumesModifications',
      'DescribeVpcPeeringConnections',
      'DescribeVpcs',
    ],
    'EC2 describe calls list across the account',
  ),
  // Elastic Load Balancing v2: every Describe* action has an empty Resource types column.
  ...noResourceType(
    'elasticloadbalancing',
    [
      'DescribeCapacityReservation',
      'DescribeListenerAttributes',
      'DescribeListenerCertificates',
      'DescribeListeners',
      'DescribeLoadBalancerAttributes',
      'DescribeLoadBalancers',
      'DescribeRules',
      'DescribeSSLPolicies',
      'DescribeTags',
      'DescribeTargetGroupAttributes',
      'DescribeTargetGroups',
      'DescribeTargetHealth',
      'DescribeTrustStores',
    ],
    'ELB describe calls list across the account',
  ),
  ...noResourceType('acm', ['ListCertificates'], 'lists every certificate of the account and region'),
  ...noResourceType('shield', ['GetSubscriptionState'], 'the Shield Advanced subscription is account-wide'),
  ...noResourceType('pricing', ['GetProducts'], 'the price list is not an account resource'),
  ...noResourceType('athena', ['ListWorkGroups', 'ListDataCatalogs'], 'lists across the account'),
  ...noResourceType('eks', ['DescribeAddonVersions'], 'the add-on catalogue is not an account resource'),
  ...noResourceType('sts', ['GetCallerIdentity'], 'needs no permission at all; a Deny cannot even block it'),
  // Not listed although infra/ allows it: logs:DescribeLogGroups. The reference gives it the log-group resource type,
  // so a policy can name arn:<partition>:logs:<region>:<account>:log-group:* instead of "*".
];

/**
 * Actions that do have a resource type in the Service Authorization Reference, but whose target a cluster controller
 * only learns at run time from user input (a certificate, WAF ACL or user pool named in an Ingress annotation, an
 * instance profile Karpenter named), so the controller's own published IAM policy grants them on "*". They are read
 * calls; a write on "*" is never acceptable for this reason.
 */
export const RUNTIME_TARGET_ACTIONS: readonly WildcardAction[] = [
  {
    action: 'acm:DescribeCertificate',
    why: 'load balancer controller: certificate ARNs come from Ingress annotations (or discovery by host name)',
  },
  {
    action: 'iam:ListServerCertificates',
    why: 'load balancer controller: discovers IAM server certificates for listeners by host name',
  },
  {
    action: 'iam:GetServerCertificate',
    why: 'load balancer controller: reads the IAM server certificate an Ingress names',
  },
  {
    action: 'wafv2:GetWebACL',
    why: 'load balancer controller: the WAFv2 ACL comes from an Ingress annotation',
  },
  {
    action: 'wafv2:GetWebACLForResource',
    why: 'load balancer controller: reads the ACL of each load balancer it manages, whose ARN it creates',
  },
  {
    action: 'waf-regional:GetWebACL',
    why: 'load balancer controller: the WAF Classic ACL comes from an annotation',
  },
  {
    action: 'waf-regional:GetWebACLForResource',
    why: 'load balancer controller: reads the ACL of each load balancer it manages, whose ARN it creates',
  },
  {
    action: 'shield:DescribeProtection',
    why: 'load balancer controller: reads the Shield protection of each load balancer it manages',
  },
  {
    action: 'cognito-idp:DescribeUserPoolClient',
    why: 'load balancer controller: the user pool and client come from an Ingress authentication annotation',
  },
  {
    action: 'ec2:GetCoipPoolUsage',
    why: 'load balancer controller (Outposts): the customer-owned IP pool comes from the Ingress; "*" upstream',
  },
  {
    action: 'ec2:GetSecurityGroupsForVpc',
    why: 'load balancer controller: lists the security groups usable in the cluster VPC; granted on "*" upstream',
  },
  {
    action: 'arc-zonal-shift:GetManagedResource',
    why: 'Karpenter: reads the zonal shift of the cluster; the policy scopes it with the ResourceIdentifier condition',
  },
  {
    action: 'iam:ListInstanceProfiles',
    why: 'Karpenter: garbage-collects the instance profiles it generated names for; the names are not known at synth',
  },
];

/** Every action IAM-003 accepts on "*", lower-cased (IAM action names are case-insensitive). */
export const WILDCARD_RESOURCE_ACTIONS: ReadonlySet<string> = new Set(
  [...NO_RESOURCE_LEVEL_ACTIONS, ...RUNTIME_TARGET_ACTIONS].map((a) => a.action.toLowerCase()),
);
