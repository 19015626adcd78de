import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { parseCidr, type EnvironmentConfig } from '../../config';
import { InterfaceEndpoints } from '../constructs/interface-endpoints';
import { DEV, PROD, devWith, resourcesOf, synthStack, testApp } from '../testing';
import { FoundationStack } from './foundation-stack';
import { NetworkStack, subnetLayout } from './network-stack';

const KEY_ARN_FROM_FOUNDATION =
  '${data.terraform_remote_state.cross_stack_reference_input_dev_foundation.outputs.cross_stack_output_aws_kms_key_project_key_arn}';

function synth(env: EnvironmentConfig = DEV) {
  const app = testApp();
  const foundation = new FoundationStack(app, { env });
  const stack = new NetworkStack(app, { env, foundation });
  // Renders the cross-stack reference to the project key as app.synth() does (remote state of dev-foundation).
  stack.prepareStack();
  return { stack, ...synthStack(stack) };
}

const single = devWith({ network: { cidr: '10.20.0.0/16', azCount: 2, natGateways: 'single' } });

/** [first, last] address of a CIDR. */
function range(cidr: string): [number, number] {
  const { address, prefix } = parseCidr(cidr)!;
  return [address, address + 2 ** (32 - prefix) - 1];
}

describe('subnetLayout', () => {
  test('carves /18 private and /22 public subnets from a /16', () => {
    expect(subnetLayout('10.20.0.0/16', 2)).toEqual({
      private: ['10.20.0.0/18', '10.20.64.0/18'],
      public: ['10.20.192.0/22', '10.20.196.0/22'],
    });
    expect(subnetLayout('10.30.0.0/16', 3)).toEqual({
      private: ['10.30.0.0/18', '10.30.64.0/18', '10.30.128.0/18'],
      public: ['10.30.192.0/22', '10.30.196.0/22', '10.30.200.0/22'],
    });
  });

  test('carves /22 private and /26 public subnets from a /20', () => {
    expect(subnetLayout('172.16.32.0/20', 2)).toEqual({
      private: ['172.16.32.0/22', '172.16.36.0/22'],
      public: ['172.16.44.0/26', '172.16.44.64/26'],
    });
    expect(subnetLayout('172.16.32.0/20', 3).private[2]).toBe('172.16.40.0/22');
    expect(subnetLayout('172.16.32.0/20', 3).public[2]).toBe('172.16.44.128/26');
  });

  test.each([16, 17, 18, 19, 20, 21, 22].flatMap((prefix) => [2, 3].map((azs) => [prefix, azs])))(
    'a /%i VPC over %i AZs: subnets fit in the VPC, do not overlap, and are at least /28',
    (prefix, azs) => {
      const vpc = `192.168.0.0/${prefix}`;
      const layout = subnetLayout(vpc, azs);
      const all = [...layout.private, ...layout.public];
      expect(layout.private).toHaveLength(azs);
      expect(layout.public).toHaveLength(azs);
      const [vpcFirst, vpcLast] = range(vpc);
      const ranges = all.map(range).sort((a, b) => a[0] - b[0]);
      ranges.forEach(([first, last], i) => {
        expect(first).toBeGreaterThanOrEqual(vpcFirst);
        expect(last).toBeLessThanOrEqual(vpcLast);
        if (i > 0) expect(first).toBeGreaterThan(ranges[i - 1][1]);
      });
      for (const cidr of all) expect(parseCidr(cidr)!.prefix).toBeLessThanOrEqual(28);
    },
  );

  test('a third AZ adds subnets without renumbering the first two', () => {
    const two = subnetLayout('10.20.0.0/16', 2);
    const three = subnetLayout('10.20.0.0/16', 3);
    expect(three.private.slice(0, 2)).toEqual(two.private);
    expect(three.public.slice(0, 2)).toEqual(two.public);
  });

  test('fails when the VPC is larger than /16 or smaller than /22', () => {
    expect(() => subnetLayout('10.0.0.0/15', 2)).toThrow(/between \/16 and \/22/);
    expect(() => subnetLayout('10.0.0.0/23', 2)).toThrow(/between \/16 and \/22/);
  });

  test('fails when the CIDR has host bits set', () => {
    expect(() => subnetLayout('10.0.1.0/16', 2)).toThrow(/host bits are set/);
  });

  test('fails when more than three AZs are asked for', () => {
    expect(() => subnetLayout('10.0.0.0/16', 4)).toThrow(/1 to 3 availability zones/);
    expect(() => subnetLayout('10.0.0.0/16', 0)).toThrow(/1 to 3 availability zones/);
  });
});

describe('NetworkStack', () => {
  const { raw, json } = synth();
  const prod = synth(PROD).json;

  test('is named after the environment', () => {
    expect(synth(PROD).stack.node.id).toBe('prod-network');
  });

  test('creates the VPC from the config with DNS support and hostnames', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, Vpc.tfResourceType, {
        cidr_block: '10.20.0.0/16',
        enable_dns_support: true,
        enable_dns_hostnames: true,
        tags: { Name: 'sqletl-dev' },
      }),
    ).toBe(true);
  });

  test('spreads subnets over the looked-up AZs, skipping AZs EKS does not support', () => {
    const zones = json.data!.aws_availability_zones.zones;
    expect(zones.exclude_zone_ids).toEqual(['use1-az3', 'usw1-az2', 'cac1-az3']);
    expect(zones.state).toBeUndefined();
    expect(zones.lifecycle).toEqual({
      postcondition: [expect.objectContaining({ condition: '${length(self.names) >= 2}' })],
    });
    const subnets = resourcesOf(prod, 'aws_subnet');
    for (const [i, n] of [1, 2, 3].entries()) {
      const az = `\${element(data.aws_availability_zones.zones.names, ${i})}`;
      expect(subnets[`private_subnet${n}`].availability_zone).toBe(az);
      expect(subnets[`public_subnet${n}`].availability_zone).toBe(az);
    }
  });

  test('subnet CIDRs come from subnetLayout', () => {
    const subnets = resourcesOf(prod, 'aws_subnet');
    const layout = subnetLayout('10.30.0.0/16', 3);
    expect([1, 2, 3].map((n) => subnets[`private_subnet${n}`].cidr_block)).toEqual(layout.private);
    expect([1, 2, 3].map((n) => subnets[`public_subnet${n}`].cidr_block)).toEqual(layout.public);
  });

  test('public subnets are tagged for internet-facing load balancers and do not hand out public IPs', () => {
    const subnet = resourcesOf(json, 'aws_subnet').public_subnet1;
    expect(subnet.map_public_ip_on_launch).toBe(false);
    expect(subnet.tags).toEqual({
      Name: 'sqletl-dev-public-${element(data.aws_availability_zones.zones.names, 0)}',
      'kubernetes.io/role/elb': '1',
      'kubernetes.io/cluster/sqletl-dev': 'shared',
    });
  });

  test('private subnets are tagged for internal load balancers and Karpenter discovery', () => {
    for (const n of [1, 2]) {
      expect(resourcesOf(json, 'aws_subnet')[`private_subnet${n}`].tags).toEqual({
        Name: `sqletl-dev-private-\${element(data.aws_availability_zones.zones.names, ${n - 1})}`,
        'kubernetes.io/role/internal-elb': '1',
        'karpenter.sh/discovery': 'sqletl-dev',
        'kubernetes.io/cluster/sqletl-dev': 'shared',
      });
    }
  });

  test('public subnets route to the internet gateway', () => {
    expect(resourcesOf(json, 'aws_route').public_default_route).toEqual({
      route_table_id: '${aws_route_table.public_route_table.id}',
      destination_cidr_block: '0.0.0.0/0',
      gateway_id: '${aws_internet_gateway.internet_gateway.id}',
    });
    const associations = resourcesOf(json, 'aws_route_table_association');
    expect(associations.public_subnet1_route_table.route_table_id).toBe(
      '${aws_route_table.public_route_table.id}',
    );
    expect(associations.public_subnet2_route_table.route_table_id).toBe(
      '${aws_route_table.public_route_table.id}',
    );
  });

  test('perAz (prod): one NAT gateway with its own EIP per AZ; each private subnet uses its own AZ', () => {
    const nats = resourcesOf(prod, 'aws_nat_gateway');
    expect(Object.keys(nats).sort()).toEqual(['nat_gateway1', 'nat_gateway2', 'nat_gateway3']);
    expect(Object.keys(resourcesOf(prod, 'aws_eip'))).toHaveLength(3);
    const routes = resourcesOf(prod, 'aws_route');
    const associations = resourcesOf(prod, 'aws_route_table_association');
    for (const n of [1, 2, 3]) {
      expect(nats[`nat_gateway${n}`]).toMatchObject({
        subnet_id: `\${aws_subnet.public_subnet${n}.id}`,
        allocation_id: `\${aws_eip.nat_eip${n}.allocation_id}`,
        connectivity_type: 'public',
      });
      expect(routes[`private_default_route${n}`]).toEqual({
        route_table_id: `\${aws_route_table.private_route_table${n}.id}`,
        destination_cidr_block: '0.0.0.0/0',
        nat_gateway_id: `\${aws_nat_gateway.nat_gateway${n}.id}`,
      });
      expect(associations[`private_subnet${n}_route_table`]).toEqual({
        subnet_id: `\${aws_subnet.private_subnet${n}.id}`,
        route_table_id: `\${aws_route_table.private_route_table${n}.id}`,
      });
    }
  });

  test('single: one NAT gateway in the first AZ that every private route table uses', () => {
    const json1 = synth(single).json;
    expect(Object.keys(resourcesOf(json1, 'aws_nat_gateway'))).toEqual(['nat_gateway1']);
    expect(Object.keys(resourcesOf(json1, 'aws_eip'))).toEqual(['nat_eip1']);
    expect(resourcesOf(json1, 'aws_nat_gateway').nat_gateway1.subnet_id).toBe(
      '${aws_subnet.public_subnet1.id}',
    );
    const routes = resourcesOf(json1, 'aws_route');
    expect(Object.keys(resourcesOf(json1, 'aws_route_table'))).toHaveLength(3);
    for (const n of [1, 2]) {
      expect(routes[`private_default_route${n}`].nat_gateway_id).toBe('${aws_nat_gateway.nat_gateway1.id}');
    }
  });

  test('locks down the default security group (no ingress, no egress)', () => {
    const group = resourcesOf(json, 'aws_default_security_group').default_security_group;
    expect(group.vpc_id).toBe('${aws_vpc.vpc.id}');
    expect(group).not.toHaveProperty('ingress');
    expect(group).not.toHaveProperty('egress');
  });

  test('the S3 gateway endpoint serves exactly the private route tables', () => {
    expect(resourcesOf(prod, 'aws_vpc_endpoint').s3_endpoint).toEqual(
      expect.objectContaining({
        service_name: 'com.amazonaws.us-east-1.s3',
        vpc_endpoint_type: 'Gateway',
        route_table_ids: [1, 2, 3].map((n) => `\${aws_route_table.private_route_table${n}.id}`),
      }),
    );
  });

  test('interface endpoints: the exact service list, private DNS, the endpoint group, private subnets', () => {
    const interfaces = Object.values(resourcesOf(json, 'aws_vpc_endpoint')).filter(
      (e) => e.vpc_endpoint_type === 'Interface',
    );
    expect(interfaces.map((e) => e.service_name).sort()).toEqual(
      [
        'athena',
        'ec2',
        'ecr.api',
        'ecr.dkr',
        'eks-auth',
        'elasticloadbalancing',
        'glue',
        'kms',
        'logs',
        'secretsmanager',
        'sqs',
        'sts',
      ].map((s) => `com.amazonaws.us-east-1.${s}`),
    );
    for (const endpoint of interfaces) {
      expect(endpoint).toMatchObject({
        private_dns_enabled: true,
        security_group_ids: ['${aws_security_group.endpoints_security_group.id}'],
        subnet_ids: ['${aws_subnet.private_subnet1.id}', '${aws_subnet.private_subnet2.id}'],
      });
    }
    expect(resourcesOf(json, 'aws_vpc_endpoint').endpoints_ecr_api.service_name).toBe(
      'com.amazonaws.us-east-1.ecr.api',
    );
  });

  test('the endpoint security group admits only TCP 443 from the VPC CIDR and has no egress', () => {
    const group = resourcesOf(json, 'aws_security_group').endpoints_security_group;
    expect(group).not.toHaveProperty('ingress');
    expect(group).not.toHaveProperty('egress');
    expect(Object.values(resourcesOf(json, 'aws_vpc_security_group_ingress_rule'))).toEqual([
      expect.objectContaining({
        security_group_id: '${aws_security_group.endpoints_security_group.id}',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        cidr_ipv4: '10.20.0.0/16',
      }),
    ]);
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toEqual({});
    expect(
      Testing.toHaveResourceWithProperties(raw, VpcSecurityGroupIngressRule.tfResourceType, {
        cidr_ipv4: '0.0.0.0/0',
      }),
    ).toBe(false);
  });

  test('flow logs of all traffic go to a log group encrypted with the project key', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, FlowLog.tfResourceType, {
        vpc_id: '${aws_vpc.vpc.id}',
        traffic_type: 'ALL',
        log_destination_type: 'cloud-watch-logs',
        log_destination: '${aws_cloudwatch_log_group.flow_log_group.arn}',
        iam_role_arn: '${aws_iam_role.flow_log_role.arn}',
      }),
    ).toBe(true);
    expect(
      Testing.toHaveResourceWithProperties(raw, CloudwatchLogGroup.tfResourceType, {
        name: '/sqletl/dev/vpc-flow-logs',
        kms_key_id: KEY_ARN_FROM_FOUNDATION,
        retention_in_days: 90,
      }),
    ).toBe(true);
  });

  test('flow-log retention follows the config', () => {
    const json30 = synth(
      devWith({ network: { cidr: '10.20.0.0/16', azCount: 2, flowLogRetentionDays: 30 } }),
    ).json;
    expect(resourcesOf(json30, 'aws_cloudwatch_log_group').flow_log_group.retention_in_days).toBe(30);
  });

  test('the flow-log role may only write to the flow-log group', () => {
    expect(json.data!.aws_iam_policy_document.flow_log_role_policy_document.statement).toEqual([
      {
        sid: 'DeliverToFlowLogGroup',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: ['arn:aws:logs:us-east-1:111122223333:log-group:/sqletl/dev/vpc-flow-logs:*'],
      },
    ]);
  });

  test('only this account’s flow logs can assume the flow-log role', () => {
    const [trust] = json.data!.aws_iam_policy_document.flow_log_role_trust.statement as Record<
      string,
      unknown
    >[];
    expect(trust).toMatchObject({
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111122223333'] },
        {
          test: 'ArnLike',
          variable: 'aws:SourceArn',
          values: ['arn:aws:ec2:us-east-1:111122223333:vpc-flow-log/*'],
        },
      ],
    });
    expect(resourcesOf(json, 'aws_iam_role').flow_log_role.name).toBe('sqletl-dev-us-east-1-vpc-flow-logs');
  });

  test('outputs the VPC and subnet ids', () => {
    expect(json.output).toMatchObject({
      vpc_id: { value: '${aws_vpc.vpc.id}' },
      private_subnet_ids: { value: ['${aws_subnet.private_subnet1.id}', '${aws_subnet.private_subnet2.id}'] },
      public_subnet_ids: { value: ['${aws_subnet.public_subnet1.id}', '${aws_subnet.public_subnet2.id}'] },
    });
  });

  test('exposes subnets, route tables and the endpoint group in AZ order', () => {
    const { stack } = synth(PROD);
    expect(stack.privateSubnets).toHaveLength(3);
    expect(stack.publicSubnets).toHaveLength(3);
    expect(stack.privateRouteTables).toHaveLength(3);
    expect(stack.privateSubnets[2].node.id).toBe('PrivateSubnet3');
    expect(stack.endpointSecurityGroup.node.path).toBe('prod-network/Endpoints/SecurityGroup');
  });

  test('another prefix gives other names and cluster tags', () => {
    const other = synth(devWith({ prefix: 'other' })).json;
    expect(resourcesOf(other, 'aws_security_group').endpoints_security_group.name).toBe(
      'other-dev-vpc-endpoints',
    );
    expect(resourcesOf(other, 'aws_cloudwatch_log_group').flow_log_group.name).toBe(
      '/other/dev/vpc-flow-logs',
    );
    expect(resourcesOf(other, 'aws_subnet').private_subnet1.tags).toMatchObject({
      'karpenter.sh/discovery': 'other-dev',
      'kubernetes.io/cluster/other-dev': 'shared',
    });
  });

  test('fails when the config asks for more AZs than the layout places', () => {
    const four = { ...DEV, network: { ...DEV.network, azCount: 4 } };
    expect(() => synth(four)).toThrow(/1 to 3 availability zones/);
  });

  test('fails when the VPC CIDR is smaller than /22', () => {
    const tiny = { ...DEV, network: { ...DEV.network, cidr: '10.20.0.0/24' } };
    expect(() => synth(tiny)).toThrow(/between \/16 and \/22/);
  });

  test('Terraform addresses carry no hash suffix', () => {
    const names = Object.values(json.resource).flatMap((byName) => Object.keys(byName));
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  test('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });
});

describe('InterfaceEndpoints', () => {
  const setup = (services: readonly string[]) => {
    const app = testApp();
    const foundation = new FoundationStack(app, { env: DEV });
    const stack = new NetworkStack(app, { env: DEV, foundation });
    return () =>
      new InterfaceEndpoints(stack, 'Extra', {
        vpc: stack.vpc,
        vpcCidr: '10.20.0.0/16',
        region: 'us-east-1',
        subnets: stack.privateSubnets,
        services,
        namePrefix: 'sqletl-dev-extra',
      });
  };

  test('fails when a service is listed twice', () => {
    expect(setup(['sts', 'kms', 'sts'])).toThrow(/service 'sts' is listed twice/);
  });

  test('fails when no service is listed', () => {
    expect(setup([])).toThrow(/list at least one service/);
  });
});
