import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadHelmReleases, substituteInterpolations } from './helm-releases';

const REPO = path.resolve(__dirname, '..');

describe('helm releases of dist/terraform', () => {
  test('replaces each Terraform interpolation by a sample of its shape, and lists it', () => {
    const { text, substitutions } = substituteInterpolations(
      'issuer: https://${data.x.outputs.cross_stack_output_pool_user_pool_endpoint}\n' +
        'redirect: ${data.edge.outputs.argo_url}/cb\nvpcId: ${data.c.outputs.cluster_vpc_config_0_vpc_id}\n',
      'here',
    );
    expect(text).toBe(
      'issuer: https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Sample0000\n' +
        'redirect: https://argo.sample.invalid/cb\nvpcId: vpc-0123456789abcdef0\n',
    );
    expect(substitutions.map((s) => s.expression)).toEqual([
      '${data.x.outputs.cross_stack_output_pool_user_pool_endpoint}',
      '${data.edge.outputs.argo_url}',
      '${data.c.outputs.cluster_vpc_config_0_vpc_id}',
    ]);
  });

  test('fails naming the release and the interpolation when no sample fits', () => {
    expect(() =>
      substituteInterpolations('replicas: ${var.replicas}', 'stack helm_release.x values[0]'),
    ).toThrow(
      /stack helm_release.x values\[0\]: no sample for the Terraform interpolation \$\{var.replicas\}.*SAMPLES/,
    );
  });

  test('finds every release of the committed dist/ with literal chart, version and namespace, and no interpolation left', () => {
    const releases = loadHelmReleases(path.join(REPO, 'dist'), REPO);
    expect(new Set(releases.map((r) => r.env))).toEqual(new Set(['dev', 'prod']));
    expect(releases.length).toBeGreaterThanOrEqual(14);
    for (const release of releases) {
      expect(release.file).toMatch(/^dist\/terraform\/stacks\/(dev|prod)-[a-z]+\/cdk\.tf\.json$/);
      expect(release.values.join('\n')).not.toContain('${');
    }
  });
});
