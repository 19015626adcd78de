/**
 * The committed price table of the cost report (dist/cost/<env>.md). Offline by design: synth never calls the AWS
 * Price List API, so the figures are the kit's record of AWS's public on-demand prices and are dated. Update them
 * (and {@link PRICE_TABLE}.asOf) when AWS changes a price; every change shows in dist/cost in the pull request.
 */

/** One price, with its unit and where it came from. */
export interface Price {
  /** US dollars per {@link Price.unit}. */
  readonly usd: number;
  readonly unit: string;
  /** The public AWS pricing page the figure was read from. */
  readonly source: string;
}

/** What one region costs, for the resources the kit creates. */
export interface RegionPrices {
  /** EKS cluster in standard Kubernetes version support. */
  readonly eksCluster: Price;
  /** One NAT gateway, hourly. */
  readonly natGateway: Price;
  /** One public IPv4 address (the NAT gateway's Elastic IP), hourly. */
  readonly publicIpv4: Price;
  /** One interface VPC endpoint in one AZ, hourly. */
  readonly interfaceEndpointAz: Price;
  /** One customer managed KMS key, monthly. */
  readonly kmsKey: Price;
  /** One Secrets Manager secret, monthly. */
  readonly secret: Price;
  /** One Application Load Balancer, hourly (idle: the minimum LCU charge is the hourly rate's only companion). */
  readonly alb: Price;
  /** CloudWatch Logs ingestion (standard and vended logs, first tier), per GB. */
  readonly logIngestion: Price;
  /** EBS gp3 storage, per GB-month. */
  readonly gp3: Price;
  /** Linux on-demand hourly price of each EC2 instance type the kit may run (system nodes and job references). */
  readonly ec2: Readonly<Record<string, Price>>;
}

/** Assumptions that are not prices but turn prices into a monthly figure; each says how to measure it. */
export interface CostAssumptions {
  /** Hours in a billing month (AWS's own calculator uses 730). */
  readonly hoursPerMonth: number;
  /** CloudWatch Logs GB ingested per month by an idle environment's control plane (api, audit, authenticator). */
  readonly controlPlaneLogGb: number;
  /** GB of VPC flow logs per AZ per month with no job running. */
  readonly flowLogGbPerAz: number;
  /** GB of container logs (Fluent Bit) per system node per month with no job running. */
  readonly containerLogGbPerNode: number;
  /** Share of the on-demand price saved on spot capacity for executors (0.6 = 60% off). */
  readonly spotDiscount: number;
  /** Instance type whose price per vCPU or GiB prices a Spark driver (on-demand; Karpenter's driver pool: m, r). */
  readonly driverReference: string;
  /** Instance type whose price per vCPU or GiB prices a Spark executor (spot; Karpenter's executor pool: r). */
  readonly executorReference: string;
}

/** The whole table: when it was read, from where, the regions it covers and the assumptions. */
export interface PriceTable {
  /** When the figures were read (YYYY-MM-DD), printed in every report. */
  readonly asOf: string;
  readonly source: string;
  readonly regions: Readonly<Record<string, RegionPrices>>;
  readonly assumptions: CostAssumptions;
  /** vCPUs and GiB of the reference instance types (for the per-job table). */
  readonly instances: Readonly<Record<string, { readonly vcpu: number; readonly memoryGiB: number }>>;
}

const EC2_PAGE = 'https://aws.amazon.com/ec2/pricing/on-demand/ (Linux, on-demand)';
const VPC_PAGE = 'https://aws.amazon.com/vpc/pricing/';

const hourly = (usd: number, source: string): Price => ({ usd, unit: 'hour', source });
const ec2 = (usd: number): Price => hourly(usd, EC2_PAGE);

/**
 * us-east-1 (N. Virginia): the region of the shipped environments and of CloudFront's certificate. Add a region by
 * copying this block with that region's figures; a report for a region without prices says so instead of guessing.
 */
const US_EAST_1: RegionPrices = {
  eksCluster: hourly(0.1, 'https://aws.amazon.com/eks/pricing/ (standard support)'),
  natGateway: hourly(0.045, VPC_PAGE + ' (NAT gateway; plus $0.045 per GB processed)'),
  publicIpv4: hourly(0.005, VPC_PAGE + ' (public IPv4 address, in use)'),
  interfaceEndpointAz: hourly(0.01, 'https://aws.amazon.com/privatelink/pricing/ (per endpoint per AZ)'),
  kmsKey: { usd: 1, unit: 'month', source: 'https://aws.amazon.com/kms/pricing/ (customer managed key)' },
  secret: { usd: 0.4, unit: 'month', source: 'https://aws.amazon.com/secrets-manager/pricing/ (per secret)' },
  alb: hourly(0.0225, 'https://aws.amazon.com/elasticloadbalancing/pricing/ (Application Load Balancer)'),
  logIngestion: {
    usd: 0.5,
    unit: 'GB',
    source: 'https://aws.amazon.com/cloudwatch/pricing/ (Logs, standard and vended ingestion, first tier)',
  },
  gp3: { usd: 0.08, unit: 'GB-month', source: 'https://aws.amazon.com/ebs/pricing/ (gp3 storage)' },
  ec2: {
    'm6g.large': ec2(0.077),
    'm6g.xlarge': ec2(0.154),
    'm6g.2xlarge': ec2(0.308),
    'm7g.large': ec2(0.0816),
    'm7g.xlarge': ec2(0.1632),
    'm7g.2xlarge': ec2(0.3264),
    'm8g.large': ec2(0.08976),
    'm8g.xlarge': ec2(0.17952),
    'm8g.2xlarge': ec2(0.35904),
    'c7g.xlarge': ec2(0.145),
    'r7g.large': ec2(0.1071),
    'r7g.xlarge': ec2(0.2142),
  },
};

/** The table the report uses. */
export const PRICE_TABLE: PriceTable = {
  asOf: '2026-12-07',
  source:
    'AWS public price list, on-demand, Linux, as published on the pages cited per row and recorded on this date ' +
    'without network access (the figures were not fetched that day); verify with the AWS Pricing Calculator ' +
    '(https://calculator.aws/) before budgeting',
  regions: { 'us-east-1': US_EAST_1 },
  assumptions: {
    hoursPerMonth: 730,
    controlPlaneLogGb: 15,
    flowLogGbPerAz: 1,
    containerLogGbPerNode: 2,
    spotDiscount: 0.6,
    driverReference: 'm7g.xlarge',
    executorReference: 'r7g.xlarge',
  },
  instances: {
    'm7g.xlarge': { vcpu: 4, memoryGiB: 16 },
    'r7g.xlarge': { vcpu: 4, memoryGiB: 32 },
  },
};
