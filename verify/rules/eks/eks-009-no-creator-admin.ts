import { block, isFalse } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** EKS-009: whoever runs terraform apply gets no hidden cluster-admin access entry. */
export const EKS_009: TerraformRule = {
  id: 'EKS-009',
  info: 'EKS does not grant the cluster creator implicit admin (bootstrap_cluster_creator_admin_permissions false)',
  rationale:
    'The bootstrap entry makes the CI or human identity that applied Terraform a permanent cluster admin that is ' +
    'not declared among the access entries; admins should be explicit (config eks.admins).',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_eks_cluster') return notApplicable();
    const value = block(resource.values.access_config).bootstrap_cluster_creator_admin_permissions;
    return verdict(
      isFalse(value)
        ? []
        : ['access_config.bootstrap_cluster_creator_admin_permissions is not false (the default is true)'],
    );
  },
};
