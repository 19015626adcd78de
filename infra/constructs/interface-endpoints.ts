import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import type { Subnet } from '@cdktf/provider-aws/lib/subnet';
import type { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';

/** Props of {@link InterfaceEndpoints}. */
export interface InterfaceEndpointsProps {
  /** The VPC the endpoints live in. */
  readonly vpc: Vpc;
  /** CIDR of the VPC: the only source the endpoints accept HTTPS from. */
  readonly vpcCidr: string;
  /** Region whose services the endpoints reach (`com.amazonaws.<region>.<service>`). */
  readonly region: string;
  /** Subnets (one per AZ) that receive an endpoint network interface. */
  readonly subnets: readonly Subnet[];
  /** Service suffixes such as `ecr.api` or `eks-auth`; each becomes one endpoint. */
  readonly services: readonly string[];
  /** Stem of the security group and endpoint `Name` tags, e.g. `<prefix>-<env>`. */
  readonly namePrefix: string;
}

/** `ecr.api` → `EcrApi`, `eks-auth` → `EksAuth`: the construct id (and so the Terraform address) of an endpoint. */
export function endpointId(service: string): string {
  return service
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Interface VPC endpoints with private DNS, so SDK calls to the listed services resolve to addresses in the VPC and
 * never leave it, behind one security group that admits HTTPS from the VPC CIDR only.
 */
export class InterfaceEndpoints extends Construct {
  /** The endpoints' security group. */
  public readonly securityGroup: SecurityGroup;
  /** The endpoints, by service suffix. */
  public readonly endpoints: Readonly<Record<string, VpcEndpoint>>;

  constructor(scope: Construct, id: string, props: InterfaceEndpointsProps) {
    super(scope, id);
    if (props.services.length === 0) throw new Error(`${this.node.path}: list at least one service`);
    const duplicate = props.services.find((s, i) => props.services.indexOf(s) !== i);
    if (duplicate !== undefined) {
      throw new Error(`${this.node.path}: service '${duplicate}' is listed twice; list each service once`);
    }

    // No egress rule: endpoint interfaces only answer connections (security groups are stateful, so replies pass)
    // and never open any. Terraform removes the allow-all egress rule AWS adds to a new group.
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: `${props.namePrefix}-vpc-endpoints`,
      description: 'Interface VPC endpoints: HTTPS from the VPC only',
      vpcId: props.vpc.id,
      tags: { Name: `${props.namePrefix}-vpc-endpoints` },
    });
    new VpcSecurityGroupIngressRule(this, 'HttpsFromVpc', {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS from the VPC',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    });

    const endpoints: Record<string, VpcEndpoint> = {};
    for (const service of props.services) {
      endpoints[service] = new VpcEndpoint(this, endpointId(service), {
        vpcId: props.vpc.id,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: props.subnets.map((s) => s.id),
        securityGroupIds: [this.securityGroup.id],
        tags: { Name: `${props.namePrefix}-${service}` },
      });
    }
    this.endpoints = endpoints;
  }
}
