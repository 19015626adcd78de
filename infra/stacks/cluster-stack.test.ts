import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { TerraformOutput, Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { roleName, SYSTEM_NODE_LABEL, SYSTEM_NODE_TAINT, type EnvironmentConfig } from '../../config';
import { DEV, PROD, devWith, resourcesOf, synthStack, testApp } from '../testing';
import { ClusterStack, type ClusterNetwork } from './cluster-stack';
import { FoundationStack } from './foundation-stack';

const NETWORK: ClusterNetwork = {
  vpcId: 'vpc-0123',
  privateSubnetIds: ['subnet-a', 'subnet-b'],
  vpcCidr: '10.20.0.0/16',
};

/** What the project key ARN becomes in this stack: a read of the foundation stack's state. */
const KEY_ARN =
  '${data.terraform_remote_state.cross_stack_reference_input_dev_foundation.outputs.cross_stack_output_aws_kms_key_project_key_arn}';

function build(env: EnvironmentConfig = DEV, network: ClusterNetwork = NETWORK): ClusterStack {
  const app = testApp();
  const foundation = new FoundationStack(app, { env });
  return new ClusterStack(app, { env, foundation, network });
}

function synth(env: EnvironmentConfig = DEV) {
  const stack = build(env);
  // Resolves the reference to the foundation stack's key into remote state, as `app.synth()` does.
  stack.prepareStack();
  return synthStack(stack);
}

type Statement = {
  sid: string;
  effect: string;
  actions: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
};
const statements = (json: ReturnType<typeof synth>['json'], doc: string) =>
  json.data!.aws_iam_policy_document[doc].statement as Statement[];

describe('ClusterStack', () => {
  const { raw, json } = synth();
  const cluster = resourcesOf(json, 'aws_eks_cluster').cluster;

  test('the VPC CNI enforces NetworkPolicies', () => {
    const cni = resourcesOf(json, 'aws_eks_addon').addon_vpc_cni;
    expect(JSON.parse(cni.configuration_values as string)).toEqual({ enableNetworkPolicy: 'true' });
  });

  test('is named after the environment', () => {
    expect(build(PROD).node.id).toBe('prod-cluster');
    expect(cluster.name).toBe('sqletl-dev');
  });

  test('runs the Kubernetes version from the config', () => {
    expect(Testing.toHaveResourceWithProperties(raw, EksCluster.tfResourceType, { version: '1.35' })).toBe(
      true,
    );
    const other = synth(devWith({ eks: { version: '1.36' } })).json;
    expect(resourcesOf(other, 'aws_eks_cluster').cluster.version).toBe('1.36');
    // kube-proxy follows the control plane's minor version.
    expect(resourcesOf(other, 'aws_eks_addon').addon_kube_proxy.addon_version).toMatch(
      /^v1\.36\.\d+-eksbuild\.\d+$/,
    );
  });

  test('sends api, audit and authenticator logs to a KMS-encrypted log group with bounded retention', () => {
    expect(cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator']);
    expect(
      Testing.toHaveResourceWithProperties(raw, CloudwatchLogGroup.tfResourceType, {
        name: '/aws/eks/sqletl-dev/cluster',
        kms_key_id: KEY_ARN,
        retention_in_days: 90,
      }),
    ).toBe(true);
    // Created before the cluster, or EKS creates an unencrypted group kept forever.
    expect(cluster.depends_on).toContain('aws_cloudwatch_log_group.control_plane_logs');
    const shorter = synth(devWith({ eks: { version: '1.35', logRetentionDays: 30 } })).json;
    expect(resourcesOf(shorter, 'aws_cloudwatch_log_group').control_plane_logs.retention_in_days).toBe(30);
  });

  test('envelope-encrypts secrets with the project key, which the cluster role may use', () => {
    expect(cluster.encryption_config).toEqual({ provider: { key_arn: KEY_ARN }, resources: ['secrets'] });
    const [kms] = statements(json, 'cluster_role_secrets_encryption_document');
    expect(kms.actions).toEqual(expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt']));
    expect(kms.resources).toEqual([KEY_ARN]);
  });

  test('the cluster role trusts only EKS, with the session tagging EKS needs', () => {
    const [trust] = statements(json, 'cluster_role_trust');
    expect(trust.principals).toEqual([{ type: 'Service', identifiers: ['eks.amazonaws.com'] }]);
    expect(trust.actions).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(resourcesOf(json, 'aws_iam_role').cluster_role.name).toBe(roleName(DEV, 'eks-cluster'));
    expect(resourcesOf(json, 'aws_iam_role_policy_attachment').cluster_role_cluster_policy.policy_arn).toBe(
      'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
    );
  });

  test('the API endpoint is private by default, in the private subnets', () => {
    expect(cluster.vpc_config).toEqual({
      endpoint_private_access: true,
      endpoint_public_access: false,
      subnet_ids: ['subnet-a', 'subnet-b'],
      security_group_ids: ['${aws_security_group.api_security_group.id}'],
    });
  });

  test('the API endpoint is public only for the configured CIDRs', () => {
    const open = synth(devWith({ eks: { version: '1.35', publicAccessCidrs: ['203.0.113.0/24'] } })).json;
    expect(resourcesOf(open, 'aws_eks_cluster').cluster.vpc_config).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: true,
      public_access_cidrs: ['203.0.113.0/24'],
    });
  });

  test('the private endpoint accepts HTTPS from the VPC only', () => {
    expect(resourcesOf(json, 'aws_security_group').api_security_group).toMatchObject({ vpc_id: 'vpc-0123' });
    expect(resourcesOf(json, 'aws_security_group').api_security_group).not.toHaveProperty('ingress');
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule').api_from_vpc).toMatchObject({
      cidr_ipv4: '10.20.0.0/16',
      from_port: 443,
      to_port: 443,
      ip_protocol: 'tcp',
    });
  });

  test('fails when the public endpoint would be open to the internet', () => {
    const bypassed: EnvironmentConfig = { ...DEV, eks: { ...DEV.eks, publicAccessCidrs: ['0.0.0.0/0'] } };
    expect(() => build(bypassed)).toThrow(/0\.0\.0\.0\/0.*opens the API endpoint to the internet/);
  });

  test('fails when the network gives fewer than two private subnets', () => {
    expect(() => build(DEV, { ...NETWORK, privateSubnetIds: ['subnet-a'] })).toThrow(
      /1 private subnet\(s\); EKS needs subnets in at least two availability zones/,
    );
  });

  test('uses access entries only and grants the creator nothing', () => {
    expect(cluster.access_config).toEqual({
      authentication_mode: 'API',
      bootstrap_cluster_creator_admin_permissions: false,
    });
    expect(cluster.upgrade_policy).toEqual({ support_type: 'STANDARD' });
    // Only the admins the environment file lists, and the platform runner's own role, get a policy association.
    const associations = Object.values(resourcesOf(json, 'aws_eks_access_policy_association'));
    const principals = associations.map((a) => a.principal_arn as string);
    expect(principals.filter((p) => !p.includes('platform_runner_role'))).toEqual(
      DEV.eks.admins.map((a) => a.principalArn),
    );
    expect(principals.filter((p) => p.includes('platform_runner_role'))).toHaveLength(1);
    const none = synth(devWith({ eks: { version: '1.35', admins: [] } })).json;
    expect(Object.keys(resourcesOf(none, 'aws_eks_access_policy_association'))).toEqual([
      'platform_runner_access_policy',
    ]);
  });

  test('gives each configured admin an access entry with the matching cluster-wide policy', () => {
    const admins = devWith({
      eks: {
        version: '1.35',
        admins: [
          { principalArn: 'arn:aws:iam::111122223333:role/platform-admin', access: 'cluster-admin' },
          { principalArn: 'arn:aws:iam::111122223333:role/team/data-eng', access: 'admin' },
          { principalArn: 'arn:aws:iam::111122223333:role/auditor', access: 'view' },
        ],
      },
    });
    const out = synth(admins);
    expect(Object.keys(resourcesOf(out.json, 'aws_eks_access_entry')).sort()).toEqual([
      'admin_auditor',
      'admin_data_eng',
      'admin_platform_admin',
      'karpenter_node_access_entry',
      'platform_runner_access_entry',
    ]);
    expect(
      Testing.toHaveResourceWithProperties(out.raw, EksAccessEntry.tfResourceType, {
        principal_arn: 'arn:aws:iam::111122223333:role/team/data-eng',
        type: 'STANDARD',
      }),
    ).toBe(true);
    const associations = resourcesOf(out.json, 'aws_eks_access_policy_association');
    expect(associations.admin_platform_admin_policy).toMatchObject({
      principal_arn: 'arn:aws:iam::111122223333:role/platform-admin',
      policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      access_scope: { type: 'cluster' },
      depends_on: ['aws_eks_access_entry.admin_platform_admin'],
    });
    expect(associations.admin_data_eng_policy.policy_arn).toBe(
      'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy',
    );
    expect(associations.admin_auditor_policy.policy_arn).toBe(
      'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
    );
    expect(
      Testing.toHaveResourceWithProperties(out.raw, EksAccessPolicyAssociation.tfResourceType, {
        access_scope: { type: 'namespace' },
      }),
    ).toBe(false);
  });

  test('fails when an admin role is listed twice', () => {
    const arn = 'arn:aws:iam::111122223333:role/platform-admin';
    const env = devWith({
      eks: {
        version: '1.35',
        admins: [
          { principalArn: arn, access: 'view' },
          { principalArn: arn, access: 'cluster-admin' },
        ],
      },
    });
    expect(() => build(env)).toThrow(/lists arn:aws:iam::111122223333:role\/platform-admin twice/);
  });

  test('registers the OIDC issuer for IRSA with the STS audience', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, IamOpenidConnectProvider.tfResourceType, {
        url: '${aws_eks_cluster.cluster.identity[0].oidc[0].issuer}',
        client_id_list: ['sts.amazonaws.com'],
      }),
    ).toBe(true);
    const stack = build();
    new TerraformOutput(stack, 'Identity', { value: stack.identity });
    expect(synthStack(stack).json.output?.identity.value).toEqual({
      clusterName: '${aws_eks_cluster.cluster.name}',
      clusterArn: '${aws_eks_cluster.cluster.arn}',
      oidcProviderArn: '${aws_iam_openid_connect_provider.oidc_provider.arn}',
      oidcIssuer: '${replace(aws_eks_cluster.cluster.identity[0].oidc[0].issuer, "https://", "")}',
    });
  });

  test('installs the five managed add-ons at pinned versions and overwrites conflicts', () => {
    const addons = Object.values(resourcesOf(json, 'aws_eks_addon'));
    expect(addons.map((a) => a.addon_name).sort()).toEqual([
      'aws-ebs-csi-driver',
      'coredns',
      'eks-pod-identity-agent',
      'kube-proxy',
      'vpc-cni',
    ]);
    for (const addon of addons) {
      expect(addon.addon_version).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
      expect(addon).toMatchObject({
        cluster_name: '${aws_eks_cluster.cluster.name}',
        resolve_conflicts_on_update: 'OVERWRITE',
      });
    }
    expect(cluster.bootstrap_self_managed_addons).toBe(false);
  });

  test('networking add-ons come before the nodes, deployments after them', () => {
    const addons = resourcesOf(json, 'aws_eks_addon');
    expect(resourcesOf(json, 'aws_eks_node_group').system_nodes.depends_on).toEqual(
      expect.arrayContaining([
        'aws_eks_addon.addon_vpc_cni',
        'aws_eks_addon.addon_kube_proxy',
        'aws_eks_addon.addon_pod_identity_agent',
      ]),
    );
    expect(addons.addon_core_dns.depends_on).toEqual(['aws_eks_node_group.system_nodes']);
    expect(addons.addon_ebs_csi_driver.depends_on).toContain('aws_eks_node_group.system_nodes');
  });

  test('CoreDNS runs on the system nodes and tolerates their taint', () => {
    const config: unknown = JSON.parse(
      resourcesOf(json, 'aws_eks_addon').addon_core_dns.configuration_values as string,
    );
    expect(config).toEqual({
      nodeSelector: { 'node-role.sql-etl-on-eks/system': 'true' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' }],
    });
  });

  test('the EBS CSI driver gets its own Pod Identity role with the managed policy and key grants for EBS only', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, EksPodIdentityAssociation.tfResourceType, {
        namespace: 'kube-system',
        service_account: 'ebs-csi-controller-sa',
        role_arn: '${aws_iam_role.ebs_csi_driver_role.arn}',
      }),
    ).toBe(true);
    expect(resourcesOf(json, 'aws_iam_role').ebs_csi_driver_role.name).toBe(roleName(DEV, 'ebs-csi-driver'));
    expect(resourcesOf(json, 'aws_iam_role_policy_attachment').ebs_csi_driver_managed_policy.policy_arn).toBe(
      'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy',
    );
    const [use, grant] = statements(json, 'ebs_csi_driver_role_policy_document');
    expect(use.resources).toEqual([KEY_ARN]);
    expect(grant).toMatchObject({
      actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
      resources: [KEY_ARN],
      condition: [{ test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] }],
    });
    // The controller must start with credentials: the association exists before the add-on.
    expect(resourcesOf(json, 'aws_eks_addon').addon_ebs_csi_driver.depends_on).toEqual(
      expect.arrayContaining([
        'aws_eks_pod_identity_association.ebs_csi_driver_role_pod_identity',
        'aws_eks_addon.addon_pod_identity_agent',
      ]),
    );
  });

  test('system nodes are Graviton on-demand in the private subnets, labelled and tainted', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, EksNodeGroup.tfResourceType, {
        ami_type: 'AL2023_ARM_64_STANDARD',
        capacity_type: 'ON_DEMAND',
        instance_types: ['m7g.large'],
        subnet_ids: ['subnet-a', 'subnet-b'],
        scaling_config: { min_size: 2, max_size: 4, desired_size: 2 },
        update_config: { max_unavailable: 1 },
        labels: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
        taint: [{ key: SYSTEM_NODE_TAINT.key, value: SYSTEM_NODE_TAINT.value, effect: 'NO_SCHEDULE' }],
      }),
    ).toBe(true);
    const bigger = devWith({
      eks: {
        version: '1.35',
        systemNodes: { instanceTypes: ['m8g.xlarge'], minSize: 3, maxSize: 6, desiredSize: 3 },
      },
    });
    expect(resourcesOf(synth(bigger).json, 'aws_eks_node_group').system_nodes).toMatchObject({
      instance_types: ['m8g.xlarge'],
      scaling_config: { min_size: 3, max_size: 6, desired_size: 3 },
    });
  });

  test('system nodes launch with IMDSv2 only (hop limit 1), an encrypted gp3 root volume and no SSH key', () => {
    const template = resourcesOf(json, 'aws_launch_template').system_nodes_launch_template;
    expect(template.metadata_options).toEqual({
      http_endpoint: 'enabled',
      http_tokens: 'required',
      http_put_response_hop_limit: 1,
    });
    expect(template.block_device_mappings).toEqual([
      {
        device_name: '/dev/xvda',
        ebs: {
          volume_type: 'gp3',
          volume_size: 50,
          encrypted: 'true',
          kms_key_id: KEY_ARN,
          delete_on_termination: 'true',
        },
      },
    ]);
    expect(template).not.toHaveProperty('key_name');
    expect(resourcesOf(json, 'aws_eks_node_group').system_nodes).not.toHaveProperty('remote_access');
    expect(resourcesOf(json, 'aws_eks_node_group').system_nodes.launch_template).toEqual({
      id: '${aws_launch_template.system_nodes_launch_template.id}',
      version: '${aws_launch_template.system_nodes_launch_template.latest_version}',
    });
  });

  test('node roles trust EC2 and carry the EKS node policies, registry pull only', () => {
    const attachments = resourcesOf(json, 'aws_iam_role_policy_attachment');
    const policiesOf = (role: string) =>
      Object.values(attachments)
        .filter((a) => a.role === `\${aws_iam_role.${role}.name}`)
        .map((a) => (a.policy_arn as string).replace('arn:aws:iam::aws:policy/', ''))
        .sort();
    expect(policiesOf('system_nodes_role')).toEqual([
      'AmazonEC2ContainerRegistryPullOnly',
      'AmazonEKSWorkerNodePolicy',
      'AmazonEKS_CNI_Policy',
    ]);
    expect(policiesOf('karpenter_node_role')).toEqual([
      'AmazonEC2ContainerRegistryPullOnly',
      'AmazonEKSWorkerNodePolicy',
      'AmazonEKS_CNI_Policy',
      'AmazonSSMManagedInstanceCore',
    ]);
    for (const doc of ['system_nodes_role_trust', 'karpenter_node_role_trust']) {
      expect(statements(json, doc)[0].principals).toEqual([
        { type: 'Service', identifiers: ['ec2.amazonaws.com'] },
      ]);
    }
  });

  test('Karpenter nodes join through an EC2_LINUX access entry for their role', () => {
    expect(resourcesOf(json, 'aws_iam_role').karpenter_node_role.name).toBe(roleName(DEV, 'karpenter-node'));
    expect(resourcesOf(json, 'aws_eks_access_entry').karpenter_node_access_entry).toEqual({
      cluster_name: '${aws_eks_cluster.cluster.name}',
      principal_arn: '${aws_iam_role.karpenter_node_role.arn}',
      type: 'EC2_LINUX',
    });
    expect(resourcesOf(json, 'aws_iam_instance_profile')).toEqual({});
  });

  test('the Karpenter interruption queue is encrypted, short-lived and accepts only TLS', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, SqsQueue.tfResourceType, {
        name: 'sqletl-dev-karpenter',
        message_retention_seconds: 300,
        sqs_managed_sse_enabled: true,
      }),
    ).toBe(true);
    const queueArn = 'arn:aws:sqs:us-east-1:111122223333:sqletl-dev-karpenter';
    const [events, sqs, tls] = statements(json, 'karpenter_interruption_queue_policy_document');
    expect(events).toMatchObject({
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
      actions: ['sqs:SendMessage'],
      resources: [queueArn],
    });
    expect(events.condition?.[0].values).toHaveLength(5);
    expect(sqs).toMatchObject({
      principals: [{ type: 'Service', identifiers: ['sqs.amazonaws.com'] }],
      actions: ['sqs:SendMessage'],
    });
    expect(tls).toMatchObject({
      effect: 'Deny',
      resources: [queueArn],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });

  test('five EventBridge rules send the interruption events of Karpenter v1.14.1 to the queue', () => {
    const rules = resourcesOf(json, 'aws_cloudwatch_event_rule');
    const detailTypes = Object.values(rules).map(
      (r) => (JSON.parse(r.event_pattern as string) as { 'detail-type': string[] })['detail-type'][0],
    );
    // The rules of Karpenter v1.14.1's reference template (cloudformation.yaml at the tag).
    expect(detailTypes.sort()).toEqual([
      'AWS Health Event',
      'EC2 Capacity Reservation Instance Interruption Warning',
      'EC2 Instance Rebalance Recommendation',
      'EC2 Instance State-change Notification',
      'EC2 Spot Instance Interruption Warning',
    ]);
    const targets = resourcesOf(json, 'aws_cloudwatch_event_target');
    expect(Object.keys(targets)).toHaveLength(5);
    for (const [name, target] of Object.entries(targets)) {
      expect(target.arn).toBe('${aws_sqs_queue.karpenter_interruption_queue.arn}');
      expect(target.rule).toBe(`\${aws_cloudwatch_event_rule.${name.replace(/_target$/, '')}.name}`);
    }
    // The queue policy admits exactly these rules.
    const [events] = statements(json, 'karpenter_interruption_queue_policy_document');
    expect(events.condition?.[0].values.sort()).toEqual(
      Object.values(rules)
        .map((r) => `arn:aws:events:us-east-1:111122223333:rule/${r.name as string}`)
        .sort(),
    );
  });

  test('outputs the cluster name, endpoint, kubeconfig command and OIDC provider', () => {
    expect(json.output).toMatchObject({
      cluster_name: { value: '${aws_eks_cluster.cluster.name}' },
      cluster_endpoint: { value: '${aws_eks_cluster.cluster.endpoint}' },
      kubeconfig_command: { value: 'aws eks update-kubeconfig --region us-east-1 --name sqletl-dev' },
      oidc_provider_arn: { value: '${aws_iam_openid_connect_provider.oidc_provider.arn}' },
    });
  });

  test('another prefix gives other physical names', () => {
    const other = synth(devWith({ prefix: 'other' })).json;
    expect(resourcesOf(other, 'aws_eks_cluster').cluster.name).toBe('other-dev');
    expect(resourcesOf(other, 'aws_sqs_queue').karpenter_interruption_queue.name).toBe('other-dev-karpenter');
    expect(resourcesOf(other, 'aws_launch_template').system_nodes_launch_template.name).toBe(
      'other-dev-system-nodes',
    );
    const roles = Object.values(resourcesOf(other, 'aws_iam_role')).map((r) => r.name as string);
    for (const role of roles) expect(role).toMatch(/^other-dev-us-east-1-/);
  });

  test('Terraform addresses carry no hash suffix', () => {
    const names = Object.values(json.resource).flatMap((byName) => Object.keys(byName));
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(raw).not.toMatch(/_[0-9A-F]{8}"/);
  });

  test('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });
});
