import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  DIST_PATHS,
  distRelative,
  parseDistPath,
  parseStackName,
  stackName,
  terraformStackDir,
} from './dist-layout';

const DIST = path.resolve(__dirname, '../dist');

describe('dist layout', () => {
  test('a unit id is `<env>-<unit>` and parses back, hyphenated units included', () => {
    expect(stackName({ name: 'dev' }, 'spark-history')).toBe('dev-spark-history');
    expect(parseStackName('dev-spark-history')).toEqual({ env: 'dev', unit: 'spark-history' });
    expect(parseStackName('prod2-platform')).toEqual({ env: 'prod2', unit: 'platform' });
  });

  test.each(['dev', 'Dev-platform', 'dev-', '-platform', 'dev--platform', 'dev_platform'])(
    "'%s' is not a unit id",
    (id) => {
      expect(parseStackName(id)).toBeUndefined();
    },
  );

  test('every path the builders make parses back to its environment and unit', () => {
    expect(parseDistPath(DIST_PATHS.terraformStack('prod-cluster'))).toEqual({
      kind: 'terraform-stack',
      env: 'prod',
      unit: 'cluster',
      stack: 'prod-cluster',
    });
    expect(
      parseDistPath(`${DIST_PATHS.k8sChart('dev', 'spark-jobs-access')}/Role.spark-driver.yaml`),
    ).toEqual({
      kind: 'k8s-object',
      env: 'dev',
      unit: 'spark-jobs-access',
      file: 'Role.spark-driver.yaml',
    });
    expect(parseDistPath(DIST_PATHS.k8sReadme('dev'))).toEqual({ kind: 'k8s-readme', env: 'dev' });
    expect(parseDistPath(DIST_PATHS.lineageFile('prod'))).toEqual({ kind: 'lineage', env: 'prod' });
    expect(parseDistPath(DIST_PATHS.costFile('dev'))).toEqual({ kind: 'cost', env: 'dev' });
    expect(parseDistPath('k8s\\dev\\dev-storage\\StorageClass.gp3.yaml')).toMatchObject({ unit: 'storage' });
  });

  test.each([
    'terraform/manifest.json',
    'terraform/stacks/dev-platform/other.json',
    'k8s/dev/prod-storage/StorageClass.gp3.yaml',
    'lineage/dev.md',
    'cost/dev.json',
    'notes.txt',
  ])('%s is not part of the layout', (file) => {
    expect(parseDistPath(file)).toBeUndefined();
  });

  test('every file of the committed dist/ but cdktf manifest is one the layout defines', () => {
    const files = fs
      .readdirSync(DIST, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => path.relative(DIST, path.join(d.parentPath, d.name)).split(path.sep).join('/'));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => parseDistPath(f) === undefined)).toEqual(['terraform/manifest.json']);
  });

  test('relative paths from a stack folder reach a sibling stack and a chart folder', () => {
    const here = terraformStackDir('dev-assets');
    expect(here).toBe('terraform/stacks/dev-assets');
    expect(distRelative(here, DIST_PATHS.terraformStack('dev-platform'))).toBe('../dev-platform/cdk.tf.json');
    expect(distRelative(here, DIST_PATHS.k8sChart('dev', 'argocd'))).toBe('../../../k8s/dev/dev-argocd');
  });
});
