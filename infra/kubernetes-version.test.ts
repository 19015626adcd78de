import { describe, expect, test } from 'vitest';
import { ADDON_VERSIONS, SUPPORTED_EKS_VERSIONS } from '../config';
import { devWith } from './testing';
import { synthEnvironments } from './testing-app';

/** `1.35` or `v1.35` as a version (not inside an address such as 10.1.35.0 or a longer number). */
const VERSION_135 = /(?<![\d.])v?1\.35(?![\d])/g;

describe('the AWS layer follows eks.version', () => {
  test('an environment on 1.36 synthesizes with no 1.35 anywhere in its Terraform', () => {
    const stacks = synthEnvironments(devWith({ eks: { version: '1.36' } }));
    expect(stacks.size).toBeGreaterThan(5);
    const found = [...stacks].flatMap(([stack, json]) =>
      [...JSON.stringify(json).matchAll(VERSION_135)].map((m) => `${stack}: ${m[0]}`),
    );
    expect(found).toEqual([]);
    const cluster = stacks.get('dev-cluster');
    expect(JSON.stringify(cluster)).toContain('"version":"1.36"');
  });

  test('the check finds 1.35 where it is (the default environment)', () => {
    const stacks = synthEnvironments(devWith({ eks: { version: '1.35' } }));
    expect(JSON.stringify(stacks.get('dev-cluster')).match(VERSION_135)?.length).toBeGreaterThan(0);
  });
});

describe('EKS add-on pins', () => {
  const [major, minor, patch] = [1, 63, 1];
  test.each(SUPPORTED_EKS_VERSIONS.map((v) => [v]))(
    '%s: the EBS CSI driver is at or above v1.63.1',
    (version) => {
      const m = /^v(\d+)\.(\d+)\.(\d+)-eksbuild\.\d+$/.exec(ADDON_VERSIONS[version]['aws-ebs-csi-driver']);
      expect(m).not.toBeNull();
      const [a, b, c] = m!.slice(1).map(Number);
      expect(a * 1e6 + b * 1e3 + c).toBeGreaterThanOrEqual(major * 1e6 + minor * 1e3 + patch);
    },
  );

  test.each(SUPPORTED_EKS_VERSIONS.map((v) => [v]))(
    '%s: kube-proxy is the build for that minor version',
    (version) => {
      expect(ADDON_VERSIONS[version]['kube-proxy']).toMatch(
        new RegExp(`^v${version.replace('.', '\\.')}\\.\\d+-eksbuild\\.\\d+$`),
      );
    },
  );

  test('only versions in EKS standard support are accepted (1.33 and 1.34 are in extended support)', () => {
    expect([...SUPPORTED_EKS_VERSIONS]).toEqual(['1.35', '1.36']);
  });
});
