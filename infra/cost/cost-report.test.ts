import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../test-support/temp-repo';
import { addEnvironmentStacks } from '../app';
import { systemScaling } from '../constructs/system-node-group';
import { DEV, PROD, devWith, resourcesOf, synthStack, testApp } from '../testing';
import { FIXED_RESOURCES, costReportMarkdown, environmentCost } from './cost-report';
import { PRICE_TABLE } from './price-table';

const US_EAST_1 = PRICE_TABLE.regions['us-east-1'];
const HOURS = PRICE_TABLE.assumptions.hoursPerMonth;

/** The idle total a report states, in dollars. */
function idleTotal(markdown: string): number {
  const match = /^## Idle: \$([0-9.]+) per month$/m.exec(markdown);
  expect(match, markdown).not.toBeNull();
  return Number(match![1]);
}

/** The "Per month" cell of the idle row whose item starts with `item`. */
function row(markdown: string, item: string): { quantity: string; monthly: number } {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${item}`));
  expect(line, `no row '${item}' in:\n${markdown}`).toBeDefined();
  const cells = line!.split('|').map((c) => c.trim());
  return { quantity: cells[2], monthly: Number(cells[3].replace('$', '')) };
}

describe('cost report', () => {
  test('per-AZ NAT gateways cost one gateway and one public address more per extra AZ', () => {
    const single = devWith({ network: { cidr: '10.20.0.0/16', azCount: 2, natGateways: 'single' } });
    const perAz = devWith({ network: { cidr: '10.20.0.0/16', azCount: 2, natGateways: 'perAz' } });
    const a = costReportMarkdown(single);
    const b = costReportMarkdown(perAz);
    const perGateway = (US_EAST_1.natGateway.usd + US_EAST_1.publicIpv4.usd) * HOURS;
    expect(row(a, 'NAT gateways').quantity).toBe('1 × gateway');
    expect(row(b, 'NAT gateways').quantity).toBe('2 × gateway');
    expect(row(b, 'NAT gateways').monthly).toBeCloseTo(2 * 0.045 * 730, 2);
    expect(idleTotal(b) - idleTotal(a)).toBeCloseTo(perGateway, 1);
  });

  test('a third AZ adds its endpoints, its NAT gateway, its flow logs and the spare system node', () => {
    const two = devWith({ network: { cidr: '10.20.0.0/16', azCount: 2, natGateways: 'perAz' } });
    const three = devWith({ network: { cidr: '10.20.0.0/16', azCount: 3, natGateways: 'perAz' } });
    const a = costReportMarkdown(two);
    const b = costReportMarkdown(three);
    // 12 interface endpoints, each one more network interface in the new AZ.
    expect(row(a, 'Interface VPC endpoints').quantity).toBe('12 endpoints × 2 AZs');
    expect(row(b, 'Interface VPC endpoints').quantity).toBe('12 endpoints × 3 AZs');
    const endpoints = 12 * US_EAST_1.interfaceEndpointAz.usd * HOURS;
    const nat = (US_EAST_1.natGateway.usd + US_EAST_1.publicIpv4.usd) * HOURS;
    // Three AZs make the environment highly available: the system node group grows (a spare node, two replicas of
    // the web-facing controllers) by what the node group itself is given.
    const [nodesA, nodesB] = [two, three].map((env) => systemScaling(env).desiredSize);
    expect(nodesB).toBeGreaterThan(nodesA);
    expect(row(a, 'System nodes').quantity).toBe(`${nodesA} nodes`);
    expect(row(b, 'System nodes').quantity).toBe(`${nodesB} nodes`);
    const node =
      US_EAST_1.ec2['m7g.large'].usd * HOURS +
      50 * US_EAST_1.gp3.usd +
      PRICE_TABLE.assumptions.containerLogGbPerNode * US_EAST_1.logIngestion.usd;
    const flowLogs = PRICE_TABLE.assumptions.flowLogGbPerAz * US_EAST_1.logIngestion.usd;
    expect(idleTotal(b) - idleTotal(a)).toBeCloseTo(endpoints + nat + (nodesB - nodesA) * node + flowLogs, 1);
  });

  test('the job table prices each preset: on-demand driver plus spot executors at the stated discount', () => {
    const cost = environmentCost(DEV)!;
    expect(cost.jobs.map((j) => j.preset)).toEqual(['small', 'medium', 'large', 'local']);
    const m7gXl = US_EAST_1.ec2['m7g.xlarge'].usd;
    const r7gXl = US_EAST_1.ec2['r7g.xlarge'].usd;
    // large: driver 4 vCPU / 8g (8.8 GiB with overhead) is a whole m7g.xlarge by CPU; an executor 4 vCPU / 16g
    // (17.6 GiB) a whole r7g.xlarge by CPU, at 40% of on-demand.
    const large = cost.jobs.find((j) => j.preset === 'large')!;
    expect(large.hourlyMinUsd).toBeCloseTo(m7gXl + r7gXl * 0.4, 6);
    expect(large.hourlyMaxUsd).toBeCloseTo(m7gXl + 20 * r7gXl * 0.4, 6);
    // small: driver 1 vCPU / 2g is a quarter of an m7g.xlarge by CPU; an executor 1 vCPU / 4g a quarter of an
    // r7g.xlarge by CPU too (4.4 GiB is less than a quarter of 32).
    const small = cost.jobs.find((j) => j.preset === 'small')!;
    expect(small.hourlyMinUsd).toBeCloseTo(m7gXl / 4 + (r7gXl / 4) * 0.4, 6);
    // medium: 10 executors of 2 vCPU / 8g (8.8 GiB), each half an r7g.xlarge by CPU.
    const medium = cost.jobs.find((j) => j.preset === 'medium')!;
    expect(medium.hourlyMaxUsd).toBeCloseTo(m7gXl / 2 + 10 * (r7gXl / 2) * 0.4, 6);
    expect(costReportMarkdown(DEV)).toMatch(
      /\| large \| 4 vCPU, 8g \| 1–20 × 4 vCPU, 16g \| \$0\.25 \| \$1\.88 \|/,
    );
  });

  test('says where the prices come from and when', () => {
    const text = costReportMarkdown(DEV);
    expect(text).toContain(`as of ${PRICE_TABLE.asOf}`);
    expect(text).toContain('AWS Pricing Calculator');
    expect(text).toContain('| NAT gateway | $0.045 per hour | https://aws.amazon.com/vpc/pricing/');
    expect(PRICE_TABLE.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('a region without prices gets a note, not invented figures', () => {
    const text = costReportMarkdown({ ...DEV, region: 'ap-southeast-4' });
    expect(text).toContain('The price table has no prices for ap-southeast-4');
    expect(text).not.toContain('## Idle');
  });

  test('fails naming the field when the system instance type has no price', () => {
    const table = { ...PRICE_TABLE, regions: { 'us-east-1': { ...US_EAST_1, ec2: {} } } };
    expect(() => environmentCost(DEV, table)).toThrow(
      /config\/environments\/dev\.ts: field eks\.systemNodes\.instanceTypes\[0\]: 'm7g\.large' has no price/,
    );
  });

  test('is deterministic and free of machine paths', () => {
    const text = costReportMarkdown(PROD);
    expect(costReportMarkdown(PROD)).toBe(text);
    expect(text).not.toContain(REPO_ROOT);
  });

  // The report counts what the stacks create; synthesize them and count again.
  test.each([
    ['dev', DEV],
    ['prod', PROD],
  ])(
    'counts what the %s stacks create',
    (_, env) => {
      const stacks = addEnvironmentStacks(testApp(), env, REPO_ROOT);
      const count = (stack: keyof typeof stacks, type: string) =>
        Object.keys(resourcesOf(synthStack(stacks[stack]).json, type)).length;
      const cost = environmentCost(env)!;
      const quantity = (item: string) => cost.idle.find((l) => l.item.startsWith(item))!.quantity;
      expect(quantity('NAT gateways')).toBe(`${count('network', 'aws_nat_gateway')} × gateway`);
      expect(quantity('Public IPv4')).toBe(`${count('network', 'aws_eip')} × address`);
      // All but the S3 gateway endpoint are interface endpoints, one network interface per AZ each.
      expect(quantity('Interface VPC endpoints')).toBe(
        `${count('network', 'aws_vpc_endpoint') - 1} endpoints × ${env.network.azCount} AZs`,
      );
      expect(count('foundation', 'aws_kms_key')).toBe(FIXED_RESOURCES.kmsKeys);
      expect(
        count('edge', 'aws_secretsmanager_secret') + count('identity', 'aws_secretsmanager_secret'),
      ).toBe(FIXED_RESOURCES.secrets);
      expect(count('edge', 'aws_lb')).toBe(FIXED_RESOURCES.albs);
      expect(count('edge', 'aws_cloudfront_distribution')).toBe(FIXED_RESOURCES.cloudFrontDistributions);
      const [group] = Object.values(resourcesOf(synthStack(stacks.cluster).json, 'aws_eks_node_group'));
      const scaling = group.scaling_config as { desired_size: number };
      expect(quantity('System nodes')).toBe(`${scaling.desired_size} nodes`);
      expect(cost.idle[1].item).toContain((group.instance_types as string[])[0]);
    },
    60_000,
  );
});
