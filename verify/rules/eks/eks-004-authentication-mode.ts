import { block, show } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** EKS-004: cluster access is managed with access entries only. */
export const EKS_004: TerraformRule = {
  id: 'EKS-004',
  info: 'EKS authentication mode is API (access entries, no aws-auth ConfigMap)',
  rationale:
    'With API mode, who can reach the cluster is declared in Terraform (access entries) and visible in the EKS API; ' +
    'the aws-auth ConfigMap can be edited by anyone with ConfigMap rights in kube-system, outside review.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_eks_cluster') return notApplicable();
    const mode = block(resource.values.access_config).authentication_mode;
    return verdict(
      mode === 'API'
        ? []
        : [`access_config.authentication_mode is ${show(mode ?? 'unset (CONFIG_MAP)')}; use API`],
    );
  },
};
