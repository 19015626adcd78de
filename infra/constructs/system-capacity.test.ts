import { describe, expect, test } from 'vitest';
import { DEV, PROD, devWith } from '../testing';
import {
  allocatable,
  requiredNodes,
  SYSTEM_INSTANCE_CAPACITY,
  systemNodeCount,
  type SystemPod,
} from './system-capacity';
import { systemScaling } from './system-node-group';

const pod = (name: string, replicas: number | 'per-node', cpu: number, memory = 100): SystemPod => ({
  name,
  replicas,
  cpu,
  memory,
});

describe('system node capacity', () => {
  test('allocatable follows the EKS reservation formula (m7g.large: 2 vCPU, 8 GiB, 29 pods)', () => {
    // 2000m − (60m + 10m); 8192 MiB × 0.925 − (255 + 11 × 29) MiB − 100 MiB eviction.
    expect(allocatable(SYSTEM_INSTANCE_CAPACITY['m7g.large'])).toEqual({ cpu: 1930, memory: 6903, pods: 29 });
    // 4 vCPU: 60 + 10 + 2 × 5 = 80m reserved.
    expect(allocatable(SYSTEM_INSTANCE_CAPACITY['m7g.xlarge']).cpu).toBe(3920);
  });

  test('packs replicas first-fit decreasing after the per-node pods, with a spare node when asked', () => {
    const daemon = pod('ds', 'per-node', 230);
    // 1700m free per m7g.large: 3 × 1000m need three nodes, not two (1500m of 3400m would be stranded otherwise).
    expect(requiredNodes([daemon, pod('a', 3, 1000)], 'm7g.large', false)).toBe(3);
    expect(requiredNodes([daemon, pod('a', 3, 1000)], 'm7g.large', true)).toBe(4);
    expect(requiredNodes([daemon, pod('a', 1, 100)], 'm7g.large', false)).toBe(2);
    expect(() => requiredNodes([daemon, pod('big', 1, 1800)], 'm7g.large', false)).toThrow(
      /big requests 1800m CPU .* more than one m7g\.large offers after its per-node pods \(1700m/,
    );
    expect(() => requiredNodes([], 'm7g.medium', false)).toThrow(/'m7g\.medium' has no capacity entry/);
  });

  test('prod needs more than the two nodes it had (about 4.9 vCPU requested); dev fits on two', () => {
    expect(systemNodeCount(PROD)).toBe(4);
    expect(systemNodeCount(DEV)).toBe(2);
    expect(systemScaling(PROD)).toEqual({ minSize: 4, desiredSize: 4, maxSize: 6 });
  });

  test('an explicit size is kept when large enough and refused when too small', () => {
    expect(systemScaling(devWith({ eks: { systemNodes: { minSize: 3, maxSize: 9 } } }))).toEqual({
      minSize: 3,
      desiredSize: 3,
      maxSize: 9,
    });
    expect(() =>
      systemScaling({ ...PROD, eks: { ...PROD.eks, systemNodes: { ...PROD.eks.systemNodes, minSize: 2 } } }),
    ).toThrow(
      /config\/environments\/prod\.ts: eks\.systemNodes\.minSize is 2, but the platform's pods request \d+m CPU .* need 4 × m7g\.large .* set minSize to 4 or more/,
    );
    // Sizes out of order fail at load (config/environment.ts); infra's own check stays for values built in code.
    expect(() => devWith({ eks: { systemNodes: { minSize: 2, desiredSize: 3, maxSize: 2 } } })).toThrow(
      /field eks\.systemNodes\.maxSize: 2 is not allowed: must not be below desiredSize \(3\)/,
    );
    const nodes = { ...DEV.eks.systemNodes, minSize: 2, desiredSize: 3, maxSize: 2 };
    expect(() => systemScaling({ ...DEV, eks: { ...DEV.eks, systemNodes: nodes } })).toThrow(
      /maxSize is 2, below desiredSize 3/,
    );
  });
});
