import type { EnvironmentConfig } from './environment';

/**
 * Services reached through interface endpoints (one network interface per AZ each), so nodes and pods call them
 * without the NAT gateway. S3 has a (free) gateway endpoint instead. The network stack creates them and the cost
 * report prices them, from this one list.
 */
export const INTERFACE_ENDPOINT_SERVICES = [
  // Image pulls: registry API and layer downloads (layers themselves come from S3 through the gateway endpoint).
  'ecr.api',
  'ecr.dkr',
  // IRSA web-identity credentials and regional STS.
  'sts',
  // Fluent Bit ships container logs to CloudWatch Logs.
  'logs',
  // Spark SQL through the Athena workgroup and the Glue catalog.
  'athena',
  'glue',
  // Decrypting data lake objects, secrets and logs with the project key.
  'kms',
  // External Secrets Operator.
  'secretsmanager',
  // EKS Pod Identity credential exchange (the Pod Identity agent calls eks-auth).
  'eks-auth',
  // Karpenter launches and describes instances; the load balancer controller reads subnets and security groups.
  'ec2',
  // The load balancer controller manages the ALBs of the web UIs.
  'elasticloadbalancing',
  // Karpenter's interruption queue (spot interruption and rebalance events).
  'sqs',
] as const;

/**
 * NAT gateways (each with its Elastic IP) of an environment: one per AZ with `natGateways: 'perAz'`, else one in the
 * first AZ. The network stack creates this many and the cost report prices them.
 */
export function natGatewayCount(env: Pick<EnvironmentConfig, 'network'>): number {
  return env.network.natGateways === 'perAz' ? env.network.azCount : 1;
}
