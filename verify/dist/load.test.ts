import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { makeDist } from '../testing';
import { REPO_ROOT } from '../upstream-cache';
import { loadDist } from './load';

describe('loadDist', () => {
  const dist = loadDist(path.join(REPO_ROOT, 'dist'), REPO_ROOT);

  test('reads the committed dist/ into stacks with outputs and remote-state data, and objects with their files', () => {
    expect(dist.stacks.map((s) => s.stack)).toContain('dev-foundation');
    expect(dist.stacks.map((s) => s.stack)).toEqual([...dist.stacks.map((s) => s.stack)].sort());
    const workloads = dist.stacks.find((s) => s.stack === 'dev-workloads');
    expect(Object.keys(workloads?.data.terraform_remote_state ?? {}).length).toBeGreaterThan(0);
    expect(dist.stacks.some((s) => Object.keys(s.outputs).length > 0)).toBe(true);
    const object = dist.objects.find((o) => o.embeddedIn !== undefined);
    expect(object?.file).toMatch(/^dist\/k8s\/(dev|prod)\//);
  });

  test('groups stacks, objects and Helm releases (values merged) by environment', () => {
    expect(dist.environments.map((e) => e.env)).toEqual(['dev', 'prod']);
    for (const environment of dist.environments) {
      expect(environment.stacks.every((s) => s.env === environment.env)).toBe(true);
      expect(environment.objects.every((o) => o.env === environment.env)).toBe(true);
      expect(environment.helmReleases.length).toBeGreaterThan(0);
    }
  });

  test('keeps a file that does not parse, with its error, and builds no objects from it', () => {
    const broken = loadDist(
      makeDist({
        'terraform/stacks/dev-x/cdk.tf.json': '{ not json',
        'k8s/dev/bad.yaml': 'a: [',
      }),
      REPO_ROOT,
    );
    expect(broken.terraformFiles[0].error).toBeDefined();
    expect(broken.stacks).toEqual([]);
    expect(broken.kubernetesFiles[0].parsed.failures).toHaveLength(1);
    expect(broken.objects).toEqual([]);
  });
});
