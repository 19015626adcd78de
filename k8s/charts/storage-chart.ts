import type { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { GP3_STORAGE_CLASS, kmsAliasArn } from '../../config';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';

/** The CSI driver of the EKS add-on `aws-ebs-csi-driver`, which the cluster stack installs. */
export const EBS_CSI_PROVISIONER = 'ebs.csi.aws.com';

/**
 * The EBS CSI driver's `tagSpecification_<n>` parameters: the environment's tags (sorted, numbered from 1), so
 * volumes the driver creates carry the same cost tags as everything Terraform creates (provider default tags do not
 * reach them).
 */
function tagSpecifications(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(tags)
      .sort()
      .map((key, index) => [`tagSpecification_${index + 1}`, `${key}=${tags[key]}`]),
  );
}

/**
 * Storage for the platform's persistent volumes: one EBS gp3 StorageClass, encrypted with the project KMS key.
 *
 * Volumes are created in the zone of the pod that first uses them (`WaitForFirstConsumer`, so a notebook's volume
 * and its node meet), can grow in place, and outlive their claim (`Retain`): notebook homes and the hub database are
 * user data, and a claim deleted with its namespace or by a Helm uninstall must not take the disk with it. Released
 * volumes are deleted by hand (`kubectl delete pv`, then the EBS volume). Not the default class: every chart names
 * it, and a default would also catch claims that meant another class.
 */
export class StorageChart extends EnvironmentChart {
  constructor(scope: Construct, props: EnvironmentChartProps) {
    super(scope, 'storage', props);
    const { env } = props;
    new k8s.KubeStorageClass(this, 'Gp3', {
      metadata: { name: GP3_STORAGE_CLASS },
      provisioner: EBS_CSI_PROVISIONER,
      parameters: {
        type: 'gp3',
        'csi.storage.k8s.io/fstype': 'ext4',
        encrypted: 'true',
        // EC2 CreateVolume, to which the EBS CSI driver passes kmsKeyId unchanged, accepts the alias ARN.
        kmsKeyId: kmsAliasArn(env),
        ...tagSpecifications(env.tags),
      },
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: 'Retain',
    });
  }
}
