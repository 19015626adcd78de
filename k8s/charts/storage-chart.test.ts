import { describe, expect, test } from 'vitest';
import { DEV, PROD, pick, synthChart, testApp } from '../testing';
import { GP3_STORAGE_CLASS, kmsAliasArn } from '../../config';
import { StorageChart } from './storage-chart';

describe('StorageChart', () => {
  const manifests = synthChart(new StorageChart(testApp(), { env: DEV }));
  const gp3 = pick(manifests, 'StorageClass', GP3_STORAGE_CLASS);

  test('creates only the gp3 StorageClass, under the name the JupyterHub values claim (config/contract.ts)', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      `StorageClass/${GP3_STORAGE_CLASS}`,
    ]);
  });

  test('provisions encrypted gp3 volumes through the EBS CSI driver with the project key alias', () => {
    expect(gp3).toMatchObject({
      provisioner: 'ebs.csi.aws.com',
      parameters: {
        type: 'gp3',
        encrypted: 'true',
        kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:alias/sqletl-dev',
        'csi.storage.k8s.io/fstype': 'ext4',
      },
    });
  });

  test('binds in the consumer zone, grows in place, keeps volumes after their claim and is not the default', () => {
    expect(gp3).toMatchObject({
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: 'Retain',
    });
    expect(gp3.metadata.annotations?.['storageclass.kubernetes.io/is-default-class']).toBeUndefined();
  });

  test('tags the volumes with the environment tags, in a stable order', () => {
    const parameters = gp3.parameters as Record<string, string>;
    expect(Object.entries(parameters).filter(([key]) => key.startsWith('tagSpecification_'))).toEqual([
      ['tagSpecification_1', 'cost-center=data-platform'],
      ['tagSpecification_2', 'environment=dev'],
      ['tagSpecification_3', 'project=sql-etl-on-eks'],
    ]);
  });

  test('the alias ARN follows the environment (partition, region, account, prefix)', () => {
    const gov = { ...PROD, region: 'us-gov-west-1', account: '444455556666' };
    expect(kmsAliasArn(gov)).toBe(`arn:aws-us-gov:kms:us-gov-west-1:444455556666:alias/${PROD.prefix}-prod`);
  });
});
