import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import type { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Fn, TerraformOutput, Token } from 'cdktf';
import type { Construct } from 'constructs';
import {
  KARPENTER_DISCOVERY_TAG,
  clusterName,
  karpenterDiscoveryValue,
  logGroupArn,
  logGroupName,
  INTERFACE_ENDPOINT_SERVICES,
  natGatewayCount,
  parseCidr,
  partition,
  resourcePrefix,
} from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import { ServiceRole } from '../constructs/iam';
import { InterfaceEndpoints } from '../constructs/interface-endpoints';
import type { FoundationStack } from './foundation-stack';

/** The most AZs {@link subnetLayout} can place: three quarters of the VPC are private, the fourth is public. */
export const MAX_AZS = 3;

/**
 * AZ ids where an EKS control plane cannot place its network interfaces (AWS EKS user guide, "subnet requirements");
 * excluded from the zone lookup so every subnet is usable by the cluster.
 */
export const EKS_UNSUPPORTED_ZONE_IDS = ['use1-az3', 'usw1-az2', 'cac1-az3'] as const;

/** Subnet CIDRs of a VPC, one per AZ, in AZ order. */
export interface SubnetLayout {
  /** Large subnets for nodes and pods (the VPC CNI gives every pod a VPC address): each a quarter of the VPC. */
  readonly private: readonly string[];
  /** Small subnets for NAT gateways and load balancers: each a sixty-fourth of the VPC, all in the last quarter. */
  readonly public: readonly string[];
}

function formatCidr(address: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
  return `${octets.join('.')}/${prefix}`;
}

/**
 * Carves subnets from a /16–/22 VPC CIDR. Private subnet i is quarter i of the VPC (a /18 of a /16); public subnet i
 * is block i of size /(n+6) in the fourth quarter (a /22 of a /16, a /28 of a /22, the smallest subnet AWS allows).
 * The layout does not depend on the AZ count beyond its length, so going from 2 to 3 AZs adds subnets without
 * renumbering the existing ones.
 */
export function subnetLayout(vpcCidr: string, azCount: number): SubnetLayout {
  const vpc = parseCidr(vpcCidr);
  if (vpc === undefined || vpc.prefix < 16 || vpc.prefix > 22) {
    throw new Error(`VPC CIDR '${vpcCidr}': use an IPv4 CIDR with a prefix length between /16 and /22`);
  }
  if (vpc.address % 2 ** (32 - vpc.prefix) !== 0) {
    throw new Error(`VPC CIDR '${vpcCidr}': host bits are set; use the network address`);
  }
  if (!Number.isInteger(azCount) || azCount < 1 || azCount > MAX_AZS) {
    throw new Error(`azCount ${azCount}: the subnet layout places 1 to ${MAX_AZS} availability zones`);
  }
  const quarter = 2 ** (32 - vpc.prefix - 2);
  const publicSize = 2 ** (32 - vpc.prefix - 6);
  const zones = Array.from({ length: azCount }, (_, i) => i);
  return {
    private: zones.map((i) => formatCidr(vpc.address + i * quarter, vpc.prefix + 2)),
    public: zones.map((i) => formatCidr(vpc.address + 3 * quarter + i * publicSize, vpc.prefix + 6)),
  };
}

/** Props of {@link NetworkStack}. */
export interface NetworkStackProps extends EnvironmentStackProps {
  /** Provides the project key that encrypts the flow-log group. */
  readonly foundation: FoundationStack;
}

/**
 * The VPC of an environment: public and private subnets per AZ, NAT gateways (per AZ or one), a locked default
 * security group, S3 gateway and interface endpoints for the AWS APIs the platform calls, and flow logs of all
 * traffic to an encrypted log group.
 */
export class NetworkStack extends EnvironmentStack {
  /** The VPC. */
  public readonly vpc: Vpc;
  /** Private subnets (nodes, pods, endpoints), in AZ order. */
  public readonly privateSubnets: readonly Subnet[];
  /** Public subnets (NAT gateways, internet-facing load balancers), in AZ order. */
  public readonly publicSubnets: readonly Subnet[];
  /** Route tables of the private subnets, in AZ order. */
  public readonly privateRouteTables: readonly RouteTable[];
  /** The security group of the interface endpoints (HTTPS from the VPC). */
  public readonly endpointSecurityGroup: SecurityGroup;

  constructor(scope: Construct, props: NetworkStackProps) {
    super(scope, 'network', props);
    const { env } = props;
    const { azCount, cidr } = env.network;
    const prefix = resourcePrefix(env);
    const cluster = clusterName(env);
    const layout = subnetLayout(cidr, azCount);

    // AZ names come from a lookup rather than `${region}a…`: letters differ between accounts and regions (an
    // account sees us-west-1a/b or us-west-1b/c; ap-northeast-1 has no "b" for new accounts). The list is sorted,
    // holds AZs only (no Local or Wavelength Zones) and is deliberately not filtered by state, so an impaired AZ
    // does not shift the indexes and replace subnets.
    const zones = new DataAwsAvailabilityZones(this, 'Zones', {
      excludeZoneIds: [...EKS_UNSUPPORTED_ZONE_IDS],
      lifecycle: {
        postcondition: [
          {
            condition: `\${length(self.names) >= ${azCount}}`,
            errorMessage: `network.azCount is ${azCount}, but ${env.region} offers fewer EKS-capable availability zones to this account`,
          },
        ],
      },
    });
    const zoneName = (i: number): string => Token.asString(Fn.element(zones.names, i));

    this.vpc = new Vpc(this, 'Vpc', {
      cidrBlock: cidr,
      // Both are required for the private DNS names of interface endpoints.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: prefix },
    });

    // Nothing may use the default group by accident: without rule blocks Terraform removes every rule from it.
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', {
      vpcId: this.vpc.id,
      tags: { Name: `${prefix}-default-unused` },
    });

    const internetGateway = new InternetGateway(this, 'InternetGateway', {
      vpcId: this.vpc.id,
      tags: { Name: prefix },
    });
    const publicRouteTable = new RouteTable(this, 'PublicRouteTable', {
      vpcId: this.vpc.id,
      tags: { Name: `${prefix}-public` },
    });
    new Route(this, 'PublicDefaultRoute', {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: internetGateway.id,
    });

    const clusterTag = { [`kubernetes.io/cluster/${cluster}`]: 'shared' };
    const publicSubnets: Subnet[] = [];
    const privateSubnets: Subnet[] = [];
    const privateRouteTables: RouteTable[] = [];
    const natGateways: NatGateway[] = [];
    const natCount = natGatewayCount(env);

    for (let i = 0; i < azCount; i++) {
      const n = i + 1;
      const az = zoneName(i);
      const publicSubnet = new Subnet(this, `PublicSubnet${n}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: layout.public[i],
        // Only NAT gateways and load balancers live here; they get their addresses explicitly.
        mapPublicIpOnLaunch: false,
        tags: { Name: `${prefix}-public-${az}`, 'kubernetes.io/role/elb': '1', ...clusterTag },
      });
      new RouteTableAssociation(this, `PublicSubnet${n}RouteTable`, {
        subnetId: publicSubnet.id,
        routeTableId: publicRouteTable.id,
      });
      publicSubnets.push(publicSubnet);

      if (i < natCount) {
        const eip = new Eip(this, `NatEip${n}`, {
          domain: 'vpc',
          tags: { Name: `${prefix}-nat-${az}` },
          dependsOn: [internetGateway],
        });
        natGateways.push(
          new NatGateway(this, `NatGateway${n}`, {
            connectivityType: 'public',
            allocationId: eip.allocationId,
            subnetId: publicSubnet.id,
            tags: { Name: `${prefix}-${az}` },
            dependsOn: [internetGateway],
          }),
        );
      }

      const privateSubnet = new Subnet(this, `PrivateSubnet${n}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: layout.private[i],
        tags: {
          Name: `${prefix}-private-${az}`,
          'kubernetes.io/role/internal-elb': '1',
          [KARPENTER_DISCOVERY_TAG]: karpenterDiscoveryValue(env),
          ...clusterTag,
        },
      });
      const privateRouteTable = new RouteTable(this, `PrivateRouteTable${n}`, {
        vpcId: this.vpc.id,
        tags: { Name: `${prefix}-private-${az}` },
      });
      // Per-AZ NAT: an AZ outage leaves the other AZs' egress intact. Single: everything leaves through AZ 1.
      new Route(this, `PrivateDefaultRoute${n}`, {
        routeTableId: privateRouteTable.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: natGateways[Math.min(i, natCount - 1)].id,
      });
      new RouteTableAssociation(this, `PrivateSubnet${n}RouteTable`, {
        subnetId: privateSubnet.id,
        routeTableId: privateRouteTable.id,
      });
      privateSubnets.push(privateSubnet);
      privateRouteTables.push(privateRouteTable);
    }
    this.publicSubnets = publicSubnets;
    this.privateSubnets = privateSubnets;
    this.privateRouteTables = privateRouteTables;

    // S3 traffic (data lake, image layers, assets) stays on the AWS network and skips the NAT gateway's per-GB fee.
    new VpcEndpoint(this, 'S3Endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${env.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: privateRouteTables.map((t) => t.id),
      tags: { Name: `${prefix}-s3` },
    });
    const endpoints = new InterfaceEndpoints(this, 'Endpoints', {
      vpc: this.vpc,
      vpcCidr: cidr,
      region: env.region,
      subnets: privateSubnets,
      services: INTERFACE_ENDPOINT_SERVICES,
      namePrefix: prefix,
    });
    this.endpointSecurityGroup = endpoints.securityGroup;

    const flowLogGroupName = logGroupName(env, 'vpc-flow-logs');
    const flowLogGroup = new CloudwatchLogGroup(this, 'FlowLogGroup', {
      name: flowLogGroupName,
      kmsKeyId: props.foundation.projectKey.key.arn,
      retentionInDays: env.network.flowLogRetentionDays,
    });
    const flowLogRole = new ServiceRole(this, 'FlowLogRole', {
      env,
      name: 'vpc-flow-logs',
      servicePrincipal: 'vpc-flow-logs.amazonaws.com',
      // Confused-deputy protection: only flow logs of this account and region may use the role.
      trustConditions: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [env.account] },
        {
          test: 'ArnLike',
          variable: 'aws:SourceArn',
          values: [`arn:${partition(env)}:ec2:${env.region}:${env.account}:vpc-flow-log/*`],
        },
      ],
      statements: [
        {
          sid: 'DeliverToFlowLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [`${logGroupArn(env, 'vpc-flow-logs')}:*`],
        },
      ],
    });
    new FlowLog(this, 'FlowLog', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.role.arn,
      tags: { Name: prefix },
    });

    new TerraformOutput(this, 'VpcId', { value: this.vpc.id, description: 'ID of the VPC' });
    new TerraformOutput(this, 'PrivateSubnetIds', {
      value: privateSubnets.map((s) => s.id),
      description: 'IDs of the private subnets (nodes, pods, endpoints), in AZ order',
    });
    new TerraformOutput(this, 'PublicSubnetIds', {
      value: publicSubnets.map((s) => s.id),
      description: 'IDs of the public subnets (NAT gateways, internet-facing load balancers), in AZ order',
    });
  }
}
