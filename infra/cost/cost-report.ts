import {
  INTERFACE_ENDPOINT_SERVICES,
  NODE_POOLS,
  natGatewayCount,
  teamNamespace,
  teamPoolLimits,
  type EnvironmentConfig,
  SIZE_PRESETS,
  SIZE_PRESET_NAMES,
  type SparkResources,
} from '../../config';
import { systemScaling } from '../constructs/system-node-group';
import { CONTROL_PLANE_LOG_TYPES } from '../stacks/cluster-stack';
import { PRICE_TABLE, type Price, type PriceTable, type RegionPrices } from './price-table';

/**
 * The cost report of one environment (dist/cost/<env>.md): what it costs per month with no job running, and what one
 * hour of a Spark job of each size preset costs. A pure function of the environment and the price table; every count
 * comes from the definition the stacks use (config/network.ts, the system node group's scaling, the stacks'
 * fixed resources below), so a config change shows in the report of the same pull request.
 */

/**
 * Resources every environment has exactly once or a fixed number of times, counted where the stacks create them.
 * `cost-report.test.ts` counts them again in the synthesized Terraform of both environments.
 */
export const FIXED_RESOURCES = {
  /** The project key (foundation stack); every bucket, log group and secret uses it. */
  kmsKeys: 1,
  /** The origin-verify header secret (edge stack) and one OIDC client secret per web UI (identity stack). */
  secrets: 3,
  /** The edge stack: one distribution per web UI. */
  cloudFrontDistributions: 2,
  /** The internal ALB of the web UIs (edge stack). */
  albs: 1,
} as const;

/** One line of the idle cost table. */
export interface CostLine {
  readonly item: string;
  /** How many, in words (e.g. "3 × 12 endpoints"). */
  readonly quantity: string;
  readonly monthlyUsd: number;
  /** The price (or assumption) the figure comes from. */
  readonly basis: string;
}

/** One row of the per-job table. */
export interface JobCostLine {
  readonly preset: string;
  readonly driver: string;
  readonly executors: string;
  /** USD for one hour at the preset's minimum and maximum executor count. */
  readonly hourlyMinUsd: number;
  readonly hourlyMaxUsd: number;
}

/** What the report says, before it is written as Markdown. */
export interface EnvironmentCost {
  readonly env: string;
  readonly region: string;
  readonly idle: readonly CostLine[];
  readonly idleMonthlyUsd: number;
  readonly jobs: readonly JobCostLine[];
}

const usd = (amount: number): string => `$${amount.toFixed(2)}`;
const rate = (price: Price): string => `$${price.usd} per ${price.unit}`;

/** Spark's JVM memory syntax (`4g`, `512m`) in GiB. */
function gib(memory: string): number {
  const match = /^(\d+)([mg])$/.exec(memory);
  if (match === null) throw new Error(`memory '${memory}': expected Spark's syntax, e.g. '4g' or '512m'`);
  return Number(match[1]) / (match[2] === 'g' ? 1 : 1024);
}

/** Memory Kubernetes reserves for a Spark pod: the heap plus Spark's overhead (10%, at least 384 MiB). */
function podGib(memory: string): number {
  const heap = gib(memory);
  return heap + Math.max(0.375, heap * 0.1);
}

/** Hourly USD of a pod of `cores` and `memory` as its share of a reference instance (the larger of CPU and memory). */
function podHourly(
  table: PriceTable,
  prices: RegionPrices,
  reference: string,
  cores: number,
  memory: string,
) {
  const instance = table.instances[reference];
  const price = prices.ec2[reference];
  if (instance === undefined || price === undefined) {
    throw new Error(`price table: reference instance '${reference}' needs an entry in instances and ec2`);
  }
  return Math.max(cores / instance.vcpu, podGib(memory) / instance.memoryGiB) * price.usd;
}

function jobLine(table: PriceTable, prices: RegionPrices, preset: string, r: SparkResources): JobCostLine {
  const a = table.assumptions;
  const driver = podHourly(table, prices, a.driverReference, r.driver.cores, r.driver.memory);
  const executor =
    podHourly(table, prices, a.executorReference, r.executor.cores, r.executor.memory) * (1 - a.spotDiscount);
  return {
    preset,
    driver: `${r.driver.cores} vCPU, ${r.driver.memory}`,
    executors: `${r.executor.minInstances}–${r.executor.maxInstances} × ${r.executor.cores} vCPU, ${r.executor.memory}`,
    hourlyMinUsd: driver + executor * r.executor.minInstances,
    hourlyMaxUsd: driver + executor * r.executor.maxInstances,
  };
}

/** One team's ceiling: what its own node pools cost per hour when they run at their limits. */
export interface TeamCostLine {
  readonly team: string;
  readonly namespace: string;
  readonly quota: string;
  readonly pools: string;
  /** USD per hour with the team's driver pool (on-demand) and executor pool (spot) at their vCPU limits. */
  readonly ceilingHourlyUsd: number;
}

/** Per team: quota, pool limits and the hourly ceiling of its pools (vCPU-priced from the reference instances). */
export function teamCostLines(
  env: EnvironmentConfig,
  table: PriceTable = PRICE_TABLE,
): TeamCostLine[] | undefined {
  const prices = table.regions[env.region];
  if (prices === undefined) return undefined;
  const a = table.assumptions;
  const perVcpu = (reference: string) => podHourly(table, prices, reference, 1, '384m');
  return env.teams.map((team) => {
    const driver = teamPoolLimits(team, NODE_POOLS.sparkDriver);
    const executor = teamPoolLimits(team, NODE_POOLS.sparkExecutor);
    return {
      team: team.name,
      namespace: teamNamespace(team),
      quota: `${team.quota.cpu} vCPU, ${team.quota.memoryGiB} GiB, ${team.quota.pods} pods, ${team.quota.sparkApplications} apps`,
      pools: `${team.share}%: drivers ${driver.cpu} vCPU, executors ${executor.cpu} vCPU`,
      ceilingHourlyUsd:
        driver.cpu * perVcpu(a.driverReference) +
        executor.cpu * perVcpu(a.executorReference) * (1 - a.spotDiscount),
    };
  });
}

/** The cost of one environment, or undefined when the table has no prices for its region. */
export function environmentCost(
  env: EnvironmentConfig,
  table: PriceTable = PRICE_TABLE,
): EnvironmentCost | undefined {
  const prices = table.regions[env.region];
  if (prices === undefined) return undefined;
  const a = table.assumptions;
  const month = (price: Price) => price.usd * a.hoursPerMonth;
  const azs = env.network.azCount;
  const nats = natGatewayCount(env);
  const endpoints = INTERFACE_ENDPOINT_SERVICES.length;
  const nodeType = env.eks.systemNodes.instanceTypes[0];
  const nodePrice = prices.ec2[nodeType];
  if (nodePrice === undefined) {
    throw new Error(
      `config/environments/${env.name}.ts: field eks.systemNodes.instanceTypes[0]: '${nodeType}' has no price in ` +
        `infra/cost/price-table.ts for ${env.region}; add it (priced: ${Object.keys(prices.ec2).join(', ')})`,
    );
  }
  const nodes = systemScaling(env).desiredSize;
  const disk = env.eks.systemNodes.diskSizeGiB;
  const logGb = a.controlPlaneLogGb + a.flowLogGbPerAz * azs + a.containerLogGbPerNode * nodes;
  const idle: CostLine[] = [
    {
      item: 'EKS control plane',
      quantity: '1 cluster',
      monthlyUsd: month(prices.eksCluster),
      basis: rate(prices.eksCluster),
    },
    {
      item: `System nodes (${nodeType}, on-demand)`,
      quantity: `${nodes} nodes`,
      monthlyUsd: nodes * month(nodePrice),
      basis: rate(nodePrice),
    },
    {
      item: 'System node disks (gp3)',
      quantity: `${nodes} × ${disk} GiB`,
      monthlyUsd: nodes * disk * prices.gp3.usd,
      basis: rate(prices.gp3),
    },
    {
      item: `NAT gateways (${env.network.natGateways})`,
      quantity: `${nats} × gateway`,
      monthlyUsd: nats * month(prices.natGateway),
      basis: `${rate(prices.natGateway)}; data processed extra`,
    },
    {
      item: 'Public IPv4 addresses (NAT)',
      quantity: `${nats} × address`,
      monthlyUsd: nats * month(prices.publicIpv4),
      basis: rate(prices.publicIpv4),
    },
    {
      item: 'Interface VPC endpoints',
      quantity: `${endpoints} endpoints × ${azs} AZs`,
      monthlyUsd: endpoints * azs * month(prices.interfaceEndpointAz),
      basis: `${rate(prices.interfaceEndpointAz)} per AZ; data processed extra`,
    },
    {
      item: 'KMS customer managed keys',
      quantity: `${FIXED_RESOURCES.kmsKeys} × key`,
      monthlyUsd: FIXED_RESOURCES.kmsKeys * prices.kmsKey.usd,
      basis: `${rate(prices.kmsKey)}; requests extra`,
    },
    {
      item: 'Secrets Manager secrets',
      quantity: `${FIXED_RESOURCES.secrets} × secret`,
      monthlyUsd: FIXED_RESOURCES.secrets * prices.secret.usd,
      basis: `${rate(prices.secret)}; API calls extra`,
    },
    {
      item: 'CloudFront distributions',
      quantity: `${FIXED_RESOURCES.cloudFrontDistributions} × distribution`,
      monthlyUsd: 0,
      basis: 'no charge per distribution; requests and transfer out are billed by use',
    },
    {
      item: 'Application Load Balancer (web UIs)',
      quantity: `${FIXED_RESOURCES.albs} × ALB`,
      monthlyUsd: FIXED_RESOURCES.albs * month(prices.alb),
      basis: `${rate(prices.alb)}; LCUs extra`,
    },
    {
      item: 'CloudWatch Logs ingestion (estimate)',
      quantity: `${logGb} GB`,
      monthlyUsd: logGb * prices.logIngestion.usd,
      basis:
        `${rate(prices.logIngestion)}; ${a.controlPlaneLogGb} GB control plane ` +
        `(${CONTROL_PLANE_LOG_TYPES.join(', ')}) + ${a.flowLogGbPerAz} GB flow logs per AZ + ` +
        `${a.containerLogGbPerNode} GB container logs per system node`,
    },
  ];
  return {
    env: env.name,
    region: env.region,
    idle,
    idleMonthlyUsd: idle.reduce((sum, line) => sum + line.monthlyUsd, 0),
    jobs: SIZE_PRESET_NAMES.map((name) => jobLine(table, prices, name, SIZE_PRESETS[name])),
  };
}

function sources(prices: RegionPrices): string[] {
  const rows: [string, Price][] = [
    ['EKS control plane', prices.eksCluster],
    ['NAT gateway', prices.natGateway],
    ['Public IPv4 address', prices.publicIpv4],
    ['Interface endpoint per AZ', prices.interfaceEndpointAz],
    ['KMS key', prices.kmsKey],
    ['Secrets Manager secret', prices.secret],
    ['Application Load Balancer', prices.alb],
    ['CloudWatch Logs ingestion', prices.logIngestion],
    ['EBS gp3', prices.gp3],
    ...Object.entries(prices.ec2).map(([type, price]): [string, Price] => [`EC2 ${type}`, price]),
  ];
  return rows.map(([item, price]) => `| ${item} | ${rate(price)} | ${price.source} |`);
}

/** dist/cost/<env>.md. */
export function costReportMarkdown(env: EnvironmentConfig, table: PriceTable = PRICE_TABLE): string {
  const cost = environmentCost(env, table);
  const head = [
    `# Cost of environment ${env.name} (${env.region})`,
    '',
    `Generated by \`make synth\` from config/environments/${env.name}.ts and the price table in`,
    `infra/cost/price-table.ts (as of ${table.asOf}): ${table.source}.`,
    '',
  ];
  if (cost === undefined) {
    return [
      ...head,
      `The price table has no prices for ${env.region} (it covers ${Object.keys(table.regions).join(', ')}).`,
      `Add a block for ${env.region} to infra/cost/price-table.ts from the AWS pricing pages to get this report.`,
      '',
    ].join('\n');
  }
  const a = table.assumptions;
  const prices = table.regions[env.region];
  return [
    ...head,
    `## Idle: ${usd(cost.idleMonthlyUsd)} per month`,
    '',
    `What the environment costs with no job running (${a.hoursPerMonth} hours a month). Not included: data`,
    'processed by NAT gateways and endpoints, S3 storage and requests, Athena scans, ECR storage, CloudFront',
    'requests and transfer, and the nodes Karpenter starts for jobs and notebooks.',
    '',
    '| Item | Quantity | Per month | Basis |',
    '| --- | --- | ---: | --- |',
    ...cost.idle.map((l) => `| ${l.item} | ${l.quantity} | ${usd(l.monthlyUsd)} | ${l.basis} |`),
    `| **Total** | | **${usd(cost.idleMonthlyUsd)}** | |`,
    '',
    '## Spark jobs: per hour of run time, by size preset',
    '',
    `Driver on on-demand capacity, priced as its share (the larger of vCPU and memory) of a ${a.driverReference};`,
    `executors on spot, as their share of a ${a.executorReference} at ${Math.round(a.spotDiscount * 100)}% below`,
    'on-demand (spot prices move; check the Spot Instance Advisor). Pod memory includes Spark’s overhead (10%, at',
    'least 384 MiB). A run of 30 minutes costs half the hourly figure; storage and data transfer are extra.',
    '',
    '| Preset | Driver | Executors | At min executors | At max executors |',
    '| --- | --- | --- | ---: | ---: |',
    ...cost.jobs.map(
      (j) =>
        `| ${j.preset} | ${j.driver} | ${j.executors} | ${usd(j.hourlyMinUsd)} | ${usd(j.hourlyMaxUsd)} |`,
    ),
    '',
    '## Teams: quotas, node pools and their hourly ceiling',
    '',
    'Each team runs in its own namespace on its own driver and executor NodePools (its share of the kit’s pools);',
    'the ceiling prices those pools at their vCPU limits (drivers on-demand, executors spot, as above). What a team',
    'actually spends: Cost Explorer grouped by the `sql-etl-on-eks:team` tag (nodes) and the `sql-etl-on-eks/team`',
    'pod label (split cost allocation data for EKS); README “Cost per team and job” lists the tags to activate.',
    '',
    '| Team | Namespace | Quota | Node pools | Ceiling per hour |',
    '| --- | --- | --- | --- | ---: |',
    ...(teamCostLines(env, table) ?? []).map(
      (t) => `| ${t.team} | ${t.namespace} | ${t.quota} | ${t.pools} | ${usd(t.ceilingHourlyUsd)} |`,
    ),
    '',
    `## Prices used (${env.region}, as of ${table.asOf})`,
    '',
    '| Item | Price | Source |',
    '| --- | --- | --- |',
    ...sources(prices),
    '',
  ].join('\n');
}
