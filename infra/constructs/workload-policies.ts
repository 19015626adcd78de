import {
  KARPENTER_NODE_ROLE,
  athenaWorkgroupName,
  karpenterQueueArn,
  bucketArn,
  clusterName,
  datalakeBucketName,
  glueDatabaseName,
  logGroupName,
  partition,
  regionalArn,
  roleArn,
  S3_PREFIXES,
  secretArnPattern,
  SYNCED_SECRETS,
  teamNamespace,
  type EnvironmentConfig,
  type Team,
  type TeamWorkloads,
  type WORKLOADS,
} from '../../config';
import type { PolicyStatement } from './iam';

/**
 * The least-privilege statements of every workload role, as pure functions of the config and the project key ARN,
 * so they can be unit-tested without synthesizing and read in one place.
 */

/** Workloads whose role the workloads stack creates (the cluster stack owns the EBS CSI driver's). */
export type WorkloadKey = Exclude<keyof typeof WORKLOADS, 'ebsCsiDriver'>;

/** What the statements depend on. */
export interface WorkloadPolicyContext {
  readonly env: EnvironmentConfig;
  /** ARN of the project KMS key; AWS generates it, so it is a cross-stack token. */
  readonly keyArn: string;
  /** ARN of the EKS cluster (Karpenter discovers the API endpoint from it). */
  readonly clusterArn: string;
}

// ---------------------------------------------------------------------------------------------------------------
// ARNs computed from config (candidates for config/naming.ts).

/** `arn:<partition>:s3:::<bucket>` for any bucket name, including a user's existing one. */
export function s3BucketArnOf(env: EnvironmentConfig, bucket: string): string {
  return `arn:${partition(env)}:s3:::${bucket}`;
}

/** ARN of the data lake bucket: the configured existing bucket, or the kit's. */
export function datalakeBucketArn(env: EnvironmentConfig): string {
  return s3BucketArnOf(env, datalakeBucketName(env));
}

/** The account's Glue Data Catalog in the environment's region. */
export function glueCatalogArn(env: EnvironmentConfig): string {
  return regionalArn(env, 'glue', 'catalog');
}

/** A Glue database. */
export function glueDatabaseArn(env: EnvironmentConfig, database: string): string {
  return regionalArn(env, 'glue', `database/${database}`);
}

/** Every table of a Glue database. */
export function glueTablesArn(env: EnvironmentConfig, database: string): string {
  return regionalArn(env, 'glue', `table/${database}/*`);
}

/** The environment's Athena workgroup. */
export function athenaWorkgroupArn(env: EnvironmentConfig): string {
  return regionalArn(env, 'athena', `workgroup/${athenaWorkgroupName(env)}`);
}

/** A log group and its streams (the `:*` form IAM documents for log-group resources). */
export function logGroupStreamsArn(env: EnvironmentConfig, purpose: string): string {
  return regionalArn(env, 'logs', `log-group:${logGroupName(env, purpose)}:*`);
}

// ---------------------------------------------------------------------------------------------------------------
// Building blocks.

/** The part of a prefix-scoped `s3:ListBucket` grant that keeps listing inside the prefix. */
function prefixCondition(prefix: string): NonNullable<PolicyStatement['conditions']>[number] {
  return { test: 'StringLike', variable: 's3:prefix', values: [`${prefix}*`] };
}

/** KMS use of the project key, only when S3 (or another named service) calls KMS on the workload's behalf. */
function kmsVia(
  sid: string,
  ctx: WorkloadPolicyContext,
  actions: readonly string[],
  service = 's3',
): PolicyStatement {
  return {
    sid,
    actions,
    resources: [ctx.keyArn],
    conditions: [
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: [`${service}.${ctx.env.region}.amazonaws.com`],
      },
    ],
  };
}

/** Reading content-addressed job files under `jobs/` of the assets bucket, and nothing else there. */
function readJobAssets(env: EnvironmentConfig): PolicyStatement[] {
  const assets = bucketArn(env, 'assets');
  return [
    { sid: 'ReadJobAssets', actions: ['s3:GetObject'], resources: [`${assets}/${S3_PREFIXES.jobAssets}*`] },
    {
      sid: 'ListJobAssets',
      actions: ['s3:ListBucket'],
      resources: [assets],
      conditions: [prefixCondition(S3_PREFIXES.jobAssets)],
    },
  ];
}

/** Read and write the whole data lake bucket (tables, outputs, Spark event logs). */
function readWriteDatalake(env: EnvironmentConfig): PolicyStatement[] {
  const lake = datalakeBucketArn(env);
  return [
    {
      sid: 'ReadWriteDatalakeObjects',
      actions: [
        's3:GetObject',
        's3:PutObject',
        's3:DeleteObject',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
      ],
      resources: [`${lake}/*`],
    },
    {
      sid: 'ListDatalake',
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resources: [lake],
    },
  ];
}

/** Catalog reads and table/partition changes in the ETL database only. */
function glueEtlDatabase(env: EnvironmentConfig): PolicyStatement[] {
  const database = glueDatabaseName(env);
  return [
    {
      sid: 'ReadWriteEtlCatalog',
      actions: [
        'glue:GetDatabase',
        'glue:GetDatabases',
        'glue:GetTable',
        'glue:GetTables',
        'glue:GetTableVersion',
        'glue:GetTableVersions',
        'glue:GetPartition',
        'glue:GetPartitions',
        'glue:BatchGetPartition',
        'glue:CreateTable',
        'glue:UpdateTable',
        'glue:DeleteTable',
        'glue:BatchDeleteTable',
        'glue:CreatePartition',
        'glue:BatchCreatePartition',
        'glue:UpdatePartition',
        'glue:BatchUpdatePartition',
        'glue:DeletePartition',
        'glue:BatchDeletePartition',
      ],
      resources: [glueCatalogArn(env), glueDatabaseArn(env, database), glueTablesArn(env, database)],
    },
    // Spark's Glue catalog client looks up the `default` database when a session starts.
    {
      sid: 'LookUpDefaultDatabase',
      actions: ['glue:GetDatabase'],
      resources: [glueCatalogArn(env), glueDatabaseArn(env, 'default')],
    },
  ];
}

/** Queries in the environment's workgroup, with read/write on the results bucket. */
function athenaQueries(env: EnvironmentConfig): PolicyStatement[] {
  const results = bucketArn(env, 'athena-results');
  return [
    {
      sid: 'RunAthenaQueries',
      actions: [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
        'athena:GetWorkGroup',
      ],
      resources: [athenaWorkgroupArn(env)],
    },
    {
      sid: 'ReadWriteAthenaResults',
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [`${results}/*`],
    },
    {
      sid: 'ListAthenaResults',
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resources: [results],
    },
  ];
}

/** Everything an ETL job (or a notebook user building one) does: data lake, catalog, Athena, job files. */
function etlStatements(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const { env } = ctx;
  return [
    ...readJobAssets(env),
    ...readWriteDatalake(env),
    ...glueEtlDatabase(env),
    ...athenaQueries(env),
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// One function per workload.

function sparkJobRunner(ctx: WorkloadPolicyContext): PolicyStatement[] {
  return etlStatements(ctx);
}

function jupyterSingleUser(ctx: WorkloadPolicyContext): PolicyStatement[] {
  return etlStatements(ctx);
}

/**
 * Notebook users of the viewer group: read the data lake, the job files and the ETL catalog, and run Athena queries
 * (results go to the results bucket). No object write or delete in the lake and no catalog change, so neither Spark
 * nor an Athena CTAS can alter a table.
 */
function jupyterReadOnly(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const { env } = ctx;
  const lake = datalakeBucketArn(env);
  const database = glueDatabaseName(env);
  return [
    ...readJobAssets(env),
    { sid: 'ReadDatalakeObjects', actions: ['s3:GetObject'], resources: [`${lake}/*`] },
    { sid: 'ListDatalake', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [lake] },
    {
      sid: 'ReadEtlCatalog',
      actions: [
        'glue:GetDatabase',
        'glue:GetDatabases',
        'glue:GetTable',
        'glue:GetTables',
        'glue:GetTableVersion',
        'glue:GetTableVersions',
        'glue:GetPartition',
        'glue:GetPartitions',
        'glue:BatchGetPartition',
      ],
      resources: [glueCatalogArn(env), glueDatabaseArn(env, database), glueTablesArn(env, database)],
    },
    {
      sid: 'LookUpDefaultDatabase',
      actions: ['glue:GetDatabase'],
      resources: [glueCatalogArn(env), glueDatabaseArn(env, 'default')],
    },
    ...athenaQueries(env),
    // GenerateDataKey only for the Athena results it writes; the lake policy grants no PutObject.
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}

function argoWorkflow(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const assets = bucketArn(ctx.env, 'assets');
  return [
    {
      sid: 'ReadWriteArgoArtifacts',
      // Delete: artifact garbage collection removes a finished workflow's artifacts.
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resources: [`${assets}/${S3_PREFIXES.argoArtifacts}*`],
    },
    {
      sid: 'ListArgoArtifacts',
      actions: ['s3:ListBucket'],
      resources: [assets],
      conditions: [prefixCondition(S3_PREFIXES.argoArtifacts)],
    },
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}

function argoServer(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const assets = bucketArn(ctx.env, 'assets');
  return [
    {
      sid: 'ReadArgoArtifacts',
      actions: ['s3:GetObject'],
      resources: [`${assets}/${S3_PREFIXES.argoArtifacts}*`],
    },
    {
      sid: 'ListArgoArtifacts',
      actions: ['s3:ListBucket'],
      resources: [assets],
      conditions: [prefixCondition(S3_PREFIXES.argoArtifacts)],
    },
    kmsVia('DecryptThroughS3', ctx, ['kms:Decrypt']),
  ];
}

function sparkHistoryServer(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const lake = datalakeBucketArn(ctx.env);
  // S3A's getFileStatus of the log directory first HEADs the key without the trailing slash (a 403 there fails the
  // History Server's start instead of meaning "no such file"), then the marker, then lists the prefix.
  const directory = S3_PREFIXES.sparkEventLogs.replace(/\/$/, '');
  return [
    {
      sid: 'ReadSparkEventLogs',
      actions: ['s3:GetObject'],
      resources: [`${lake}/${directory}`, `${lake}/${S3_PREFIXES.sparkEventLogs}*`],
    },
    {
      sid: 'ListSparkEventLogs',
      actions: ['s3:ListBucket'],
      resources: [lake],
      conditions: [
        { test: 'StringLike', variable: 's3:prefix', values: [directory, `${S3_PREFIXES.sparkEventLogs}*`] },
      ],
    },
    kmsVia('DecryptThroughS3', ctx, ['kms:Decrypt']),
  ];
}

/** Log groups Fluent Bit writes to; the workloads stack creates them (Fluent Bit must not). */
export const FLUENT_BIT_LOG_GROUPS = ['containers', 'spark'] as const;

function fluentBit(ctx: WorkloadPolicyContext): PolicyStatement[] {
  const { env } = ctx;
  return [
    {
      sid: 'WriteContainerLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: FLUENT_BIT_LOG_GROUPS.map((purpose) => logGroupStreamsArn(env, purpose)),
    },
    {
      sid: 'WriteSparkLogs',
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: [`${datalakeBucketArn(env)}/${S3_PREFIXES.sparkLogs}*`],
    },
    // Decrypt as well as GenerateDataKey: multipart uploads to an SSE-KMS bucket need both.
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}

/**
 * External Secrets Operator: read exactly the secrets the k8s layer's ExternalSecrets sync (config/naming.ts
 * SYNCED_SECRETS), nothing else under the environment's prefix; decrypt with the project key only when Secrets
 * Manager asks on its behalf. GetSecretValue and DescribeSecret are all its AWS provider calls for a sync.
 */
function externalSecrets(ctx: WorkloadPolicyContext): PolicyStatement[] {
  return [
    {
      sid: 'ReadSyncedSecrets',
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: SYNCED_SECRETS.map((secret) => secretArnPattern(ctx.env, secret.source)),
    },
    kmsVia('DecryptThroughSecretsManager', ctx, ['kms:Decrypt'], 'secretsmanager'),
  ];
}

/**
 * AWS Load Balancer Controller: the statements of its published iam_policy.json (v2.14+/v3), with `*` resources
 * narrowed to ARN patterns in this account and region wherever IAM supports resource-level permissions. Only
 * Application Load Balancers (Ingress): the kit creates no Service of type LoadBalancer, so no `net/` patterns.
 */
function loadBalancerController(ctx: WorkloadPolicyContext): PolicyStatement[] {
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

/**
 * Karpenter v1 controller: the statements of its published CloudFormation reference policy, with the account
 * spelled out where the reference uses `*`. Everything it creates or deletes carries the cluster and node pool tags.
 */
function karpenter(ctx: WorkloadPolicyContext): PolicyStatement[] {
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

/** The statements of each workload role. */
export const WORKLOAD_POLICIES: Readonly<
  Record<WorkloadKey, (ctx: WorkloadPolicyContext) => PolicyStatement[]>
> = {
  sparkJobRunner,
  argoWorkflow,
  argoServer,
  jupyterSingleUser,
  jupyterReadOnly,
  sparkHistoryServer,
  fluentBit,
  loadBalancerController,
  karpenter,
  externalSecrets,
};

// ---------------------------------------------------------------------------------------------------------------
// Teams: each team's roles reach its own prefixes and databases read-write and the ones it reads read-only.

const GLUE_READ = [
  'glue:GetDatabase',
  'glue:GetDatabases',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetTableVersion',
  'glue:GetTableVersions',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
];

const GLUE_WRITE = [
  'glue:CreateTable',
  'glue:UpdateTable',
  'glue:DeleteTable',
  'glue:BatchDeleteTable',
  'glue:CreatePartition',
  'glue:BatchCreatePartition',
  'glue:UpdatePartition',
  'glue:BatchUpdatePartition',
  'glue:DeletePartition',
  'glue:BatchDeletePartition',
];

/** The database ARNs and their tables' ARNs. */
function glueResources(env: EnvironmentConfig, databases: readonly string[]): string[] {
  return databases.flatMap((db) => [glueDatabaseArn(env, db), glueTablesArn(env, db)]);
}

/**
 * The data statements of a team role. `write`: read-write on the owned prefixes and databases (jobs, engineers'
 * notebooks); otherwise everything read-only (members' notebooks). Listing is confined to the prefixes the role may
 * read; Spark's event logs (a platform prefix the History Server reads) are written by every job.
 */
function teamData(ctx: WorkloadPolicyContext, team: Team, write: boolean): PolicyStatement[] {
  const { env } = ctx;
  const lake = datalakeBucketArn(env);
  const owned = team.owns.prefixes;
  const read = team.reads.prefixes.filter((prefix) => !owned.includes(prefix));
  const eventLogDir = S3_PREFIXES.sparkEventLogs.replace(/\/$/, '');
  const statements: PolicyStatement[] = [];
  if (write) {
    statements.push({
      sid: 'ReadWriteOwnPrefixes',
      actions: [
        's3:GetObject',
        's3:PutObject',
        's3:DeleteObject',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
      ],
      resources: owned.map((prefix) => `${lake}/${prefix}*`),
    });
  }
  const readOnly = write ? read : [...owned, ...read];
  if (readOnly.length > 0) {
    statements.push({
      sid: write ? 'ReadSharedPrefixes' : 'ReadTeamPrefixes',
      actions: ['s3:GetObject'],
      resources: readOnly.map((prefix) => `${lake}/${prefix}*`),
    });
  }
  if (write) {
    // S3A stats the event-log directory (the key without the slash, then the prefix) before writing a job's log.
    statements.push({
      sid: 'WriteSparkEventLogs',
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      resources: [`${lake}/${eventLogDir}`, `${lake}/${S3_PREFIXES.sparkEventLogs}*`],
    });
  }
  statements.push(
    {
      sid: 'ListTeamPrefixes',
      actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
      resources: [lake],
      conditions: [
        {
          test: 'StringLike',
          variable: 's3:prefix',
          values: [
            ...[...owned, ...read].map((prefix) => `${prefix}*`),
            ...(write ? [eventLogDir, `${S3_PREFIXES.sparkEventLogs}*`] : []),
          ],
        },
      ],
    },
    // GetBucketLocation has no prefix; S3A calls it once per bucket.
    { sid: 'LocateDatalake', actions: ['s3:GetBucketLocation'], resources: [lake] },
  );
  const ownedDbs = team.owns.databases;
  const readDbs = team.reads.databases.filter((db) => !ownedDbs.includes(db));
  statements.push({
    sid: write ? 'ReadWriteOwnDatabases' : 'ReadTeamDatabases',
    actions: write ? [...GLUE_READ, ...GLUE_WRITE] : GLUE_READ,
    resources: [glueCatalogArn(env), ...glueResources(env, write ? ownedDbs : [...ownedDbs, ...readDbs])],
  });
  if (write && readDbs.length > 0) {
    statements.push({
      sid: 'ReadSharedDatabases',
      actions: GLUE_READ,
      resources: [glueCatalogArn(env), ...glueResources(env, readDbs)],
    });
  }
  statements.push({
    sid: 'LookUpDefaultDatabase',
    actions: ['glue:GetDatabase'],
    resources: [glueCatalogArn(env), glueDatabaseArn(env, 'default')],
  });
  return statements;
}

/** What a team's Spark jobs (and its engineers' notebooks) may do. */
function teamEtl(ctx: WorkloadPolicyContext, team: Team): PolicyStatement[] {
  return [
    ...readJobAssets(ctx.env),
    ...teamData(ctx, team, true),
    ...athenaQueries(ctx.env),
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}

/** A team's workflow pods: artifacts and archived logs of their own namespace only (Argo's key format). */
function teamArgoWorkflow(ctx: WorkloadPolicyContext, team: Team): PolicyStatement[] {
  const assets = bucketArn(ctx.env, 'assets');
  const prefix = `${S3_PREFIXES.argoArtifacts}${teamNamespace(team)}/`;
  return [
    {
      sid: 'ReadWriteArgoArtifacts',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resources: [`${assets}/${prefix}*`],
    },
    {
      sid: 'ListArgoArtifacts',
      actions: ['s3:ListBucket'],
      resources: [assets],
      conditions: [prefixCondition(prefix)],
    },
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ];
}

/** The statements of each of a team's roles, by identity. */
export const TEAM_POLICIES: Readonly<
  Record<keyof TeamWorkloads, (ctx: WorkloadPolicyContext, team: Team) => PolicyStatement[]>
> = {
  sparkJobRunner: teamEtl,
  argoWorkflow: teamArgoWorkflow,
  notebook: teamEtl,
  // Members: read the team's and the shared data, query with Athena (results bucket), change nothing.
  notebookReadOnly: (ctx, team) => [
    ...readJobAssets(ctx.env),
    ...teamData(ctx, team, false),
    ...athenaQueries(ctx.env),
    kmsVia('UseProjectKeyThroughS3', ctx, ['kms:Decrypt', 'kms:GenerateDataKey']),
  ],
};
