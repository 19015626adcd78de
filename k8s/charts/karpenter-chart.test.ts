import { describe, expect, test } from 'vitest';
import { KARPENTER_NODE_ROLE, NODE_POOLS, roleName, SIZE_PRESETS } from '../../config';
import { DEV, PROD, pick, synthChart, testApp, type Manifest } from '../testing';
import { KarpenterChart, quantityGiB, rootVolumeGiB } from './karpenter-chart';

interface Requirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

interface PoolSpec {
  readonly template: {
    readonly metadata: { readonly labels: Record<string, string> };
    readonly spec: {
      readonly nodeClassRef: { group: string; kind: string; name: string };
      readonly requirements: readonly Requirement[];
      readonly taints: readonly { key: string; value: string; effect: string }[];
      readonly expireAfter: string;
      readonly terminationGracePeriod: string;
    };
  };
  readonly limits: Record<string, string>;
  readonly disruption: {
    readonly consolidationPolicy: string;
    readonly consolidateAfter: string;
    readonly budgets: readonly { nodes: string; reasons?: readonly string[] }[];
  };
}

function poolSpec(manifests: readonly Manifest[], name: string): PoolSpec {
  return pick(manifests, 'NodePool', name).spec as PoolSpec;
}

function values(spec: PoolSpec, key: string): readonly string[] | undefined {
  const found = spec.template.spec.requirements.filter((r) => r.key === key);
  expect(found.length, key).toBeLessThanOrEqual(1);
  return found[0]?.operator === 'In' ? found[0].values : undefined;
}

describe('KarpenterChart', () => {
  const manifests = synthChart(new KarpenterChart(testApp(), { env: DEV }));
  const nodeClass = pick(manifests, 'EC2NodeClass', 'default');
  const nodeClassSpec = nodeClass.spec as Record<string, unknown> & {
    blockDeviceMappings: { deviceName: string; rootVolume: boolean; ebs: Record<string, unknown> }[];
  };

  test('renders one EC2NodeClass and one NodePool per pool of config/scheduling.ts, and each team’s', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(
      [
        'EC2NodeClass/default',
        ...Object.values(NODE_POOLS).map((p) => `NodePool/${p.name}`),
        ...DEV.teams.flatMap((team) => [
          `EC2NodeClass/team-${team.name}`,
          `NodePool/spark-driver-${team.name}`,
          `NodePool/spark-executor-${team.name}`,
        ]),
      ].sort(),
    );
    expect(nodeClass.apiVersion).toBe('karpenter.k8s.aws/v1');
    for (const pool of Object.values(NODE_POOLS)) {
      expect(pick(manifests, 'NodePool', pool.name).apiVersion).toBe('karpenter.sh/v1');
      expect(poolSpec(manifests, pool.name).template.spec.nodeClassRef).toEqual({
        group: 'karpenter.k8s.aws',
        kind: 'EC2NodeClass',
        name: 'default',
      });
    }
  });

  test('labels and taints each pool exactly as the pods select and tolerate it (the config/ definition)', () => {
    for (const pool of Object.values(NODE_POOLS)) {
      const spec = poolSpec(manifests, pool.name);
      expect(spec.template.metadata.labels).toEqual({ [pool.label.key]: pool.label.value });
      expect(spec.template.spec.taints).toEqual([
        { key: pool.taint.key, value: pool.taint.value, effect: pool.taint.effect },
      ]);
    }
  });

  test('drivers on on-demand only; executors spot first with on-demand fallback; all pools x86 and Graviton', () => {
    const driver = poolSpec(manifests, 'spark-driver');
    const executor = poolSpec(manifests, 'spark-executor');
    const notebooks = poolSpec(manifests, 'notebooks');
    expect(values(driver, 'karpenter.sh/capacity-type')).toEqual(['on-demand']);
    expect(values(notebooks, 'karpenter.sh/capacity-type')).toEqual(['on-demand']);
    // With both types allowed Karpenter launches spot and falls back to on-demand when spot has no capacity.
    expect(values(executor, 'karpenter.sh/capacity-type')).toEqual(['spot', 'on-demand']);
    for (const spec of [driver, executor, notebooks]) {
      expect(values(spec, 'kubernetes.io/arch')).toEqual(['amd64', 'arm64']);
      expect(values(spec, 'kubernetes.io/os')).toEqual(['linux']);
    }
    // Memory-optimised executors.
    expect(values(executor, 'karpenter.k8s.aws/instance-category')).toEqual(['r']);
  });

  test('a team’s pools are the kit’s pools reserved for the team, limited to its share, tagging its instances', () => {
    const analytics = DEV.teams.find((team) => team.name === 'analytics')!;
    for (const pool of [NODE_POOLS.sparkDriver, NODE_POOLS.sparkExecutor]) {
      const spec = poolSpec(manifests, `${pool.name}-analytics`);
      expect(spec.template.metadata.labels).toEqual({
        [pool.label.key]: pool.label.value,
        'sql-etl-on-eks/team': 'analytics',
      });
      expect(spec.template.spec.taints).toEqual([
        { key: pool.taint.key, value: pool.taint.value, effect: pool.taint.effect },
        { key: 'sql-etl-on-eks/team', value: 'analytics', effect: 'NoSchedule' },
      ]);
      expect(spec.template.spec.nodeClassRef.name).toBe('team-analytics');
      // Its share (40% in dev) of the kit's pool, rounded up.
      expect(Number(spec.limits.cpu)).toBe(Math.ceil((pool.limits.cpu * analytics.share) / 100));
      expect(quantityGiB(spec.limits.memory)).toBe(
        Math.ceil((pool.limits.memoryGiB * analytics.share) / 100),
      );
      expect(values(spec, 'karpenter.sh/capacity-type')).toEqual(
        values(poolSpec(manifests, pool.name), 'karpenter.sh/capacity-type'),
      );
    }
    const teamClass = pick(manifests, 'EC2NodeClass', 'team-analytics').spec as {
      tags: Record<string, string>;
    };
    expect(teamClass.tags).toMatchObject({
      'sql-etl-on-eks:team': 'analytics',
      'sql-etl-on-eks:environment': 'dev',
    });
    // The shares of all teams never promise more than the kit's pools.
    expect(DEV.teams.reduce((sum, team) => sum + team.share, 0)).toBeLessThanOrEqual(100);
  });

  test('bounds every pool with CPU and memory limits', () => {
    for (const pool of Object.values(NODE_POOLS)) {
      const { limits } = poolSpec(manifests, pool.name);
      expect(Object.keys(limits).sort()).toEqual(['cpu', 'memory']);
      expect(Number(limits.cpu)).toBeGreaterThan(0);
      expect(quantityGiB(limits.memory)).toBeGreaterThan(0);
    }
  });

  test('consolidates with budgets; notebooks only when empty; expiry is bounded by a grace period', () => {
    const driver = poolSpec(manifests, 'spark-driver');
    const executor = poolSpec(manifests, 'spark-executor');
    const notebooks = poolSpec(manifests, 'notebooks');
    expect(driver.disruption).toMatchObject({ consolidationPolicy: 'WhenEmptyOrUnderutilized' });
    expect(executor.disruption).toMatchObject({ consolidationPolicy: 'WhenEmptyOrUnderutilized' });
    expect(notebooks.disruption).toMatchObject({
      consolidationPolicy: 'WhenEmpty',
      budgets: [{ nodes: '1' }],
    });
    for (const spec of [driver, executor, notebooks]) {
      expect(spec.disruption.budgets.length).toBeGreaterThan(0);
      expect(spec.template.spec.expireAfter).toMatch(/^\d+h$/);
      expect(spec.template.spec.terminationGracePeriod).toMatch(/^\d+h$/);
    }
    // Every disruption reason of the executor pool has a budget below 100% except empty nodes.
    expect(executor.disruption.budgets.map((b) => `${b.reasons?.join()}=${b.nodes}`)).toEqual([
      'Underutilized=20%',
      'Drifted=20%',
      'Empty=100%',
    ]);
  });

  test('boots a pinned AL2023 AMI release with IMDSv2 and a hop limit of 1, as the node role infra creates', () => {
    const terms = nodeClassSpec.amiSelectorTerms as { alias: string }[];
    expect(terms).toHaveLength(1);
    // A release, never `al2023@latest`: AWS publishing an AMI must not roll every node.
    expect(terms[0].alias).toMatch(/^al2023@v\d{8}$/);
    expect(nodeClassSpec.metadataOptions).toEqual({
      httpEndpoint: 'enabled',
      httpProtocolIPv6: 'disabled',
      httpPutResponseHopLimit: 1,
      httpTokens: 'required',
    });
    expect(nodeClassSpec.role).toBe(roleName(DEV, KARPENTER_NODE_ROLE));
    expect(nodeClassSpec).not.toHaveProperty('instanceProfile');
  });

  test('selects subnets and security groups by the discovery tag with the cluster name', () => {
    expect(nodeClassSpec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'sqletl-dev' } }]);
    expect(nodeClassSpec.securityGroupSelectorTerms).toEqual([
      { tags: { 'karpenter.sh/discovery': 'sqletl-dev' } },
    ]);
    const prod = pick(synthChart(new KarpenterChart(testApp(), { env: PROD })), 'EC2NodeClass', 'default');
    expect((prod.spec as { subnetSelectorTerms: unknown }).subnetSelectorTerms).toEqual([
      { tags: { 'karpenter.sh/discovery': 'sqletl-prod' } },
    ]);
  });

  test('encrypts a gp3 root volume with the project key, large enough for two pods of the largest preset', () => {
    expect(nodeClassSpec.blockDeviceMappings).toHaveLength(1);
    const [root] = nodeClassSpec.blockDeviceMappings;
    expect(root).toMatchObject({ deviceName: '/dev/xvda', rootVolume: true });
    expect(root.ebs).toMatchObject({
      volumeType: 'gp3',
      encrypted: true,
      kmsKeyID: 'arn:aws:kms:us-east-1:111122223333:alias/sqletl-dev',
      deleteOnTermination: true,
    });
    const size = quantityGiB(root.ebs.volumeSize as string);
    // What the presets ask for, read here from the presets themselves: the kubelet keeps 10% free, 40 GiB go to the
    // OS and images, and a node must hold two pods of the preset with the most local storage.
    const largest = Math.max(...Object.values(SIZE_PRESETS).map((p) => quantityGiB(p.localStorage)));
    expect(largest).toBe(100);
    expect(size * 0.9 - 40).toBeGreaterThanOrEqual(2 * largest);
    // Karpenter's default root volume is 20 GiB: not even a small preset pod (20 GiB local storage) fits.
    expect(size).toBeGreaterThan(20 + 40);
    expect(root.ebs.volumeSize).toBe('270Gi');
  });

  test('tags what Karpenter launches with the environment tags (provider default tags do not reach it)', () => {
    expect(nodeClassSpec.tags).toEqual({ ...DEV.tags, 'sql-etl-on-eks:environment': 'dev' });
  });

  test('rootVolumeGiB grows with the largest local storage and rejects quantities it cannot read', () => {
    expect(rootVolumeGiB(['10Gi', '20Gi'])).toBe(90); // (2 × 20 + 40) / 0.9 = 88.9 → 90
    expect(rootVolumeGiB(['1Ti'])).toBe(2320); // (2 × 1024 + 40) / 0.9 = 2320
    expect(quantityGiB('512Mi')).toBe(0.5);
    expect(() => rootVolumeGiB(['20GB'])).toThrow(/ephemeral storage '20GB': use a quantity in Mi, Gi or Ti/);
  });

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });
});
