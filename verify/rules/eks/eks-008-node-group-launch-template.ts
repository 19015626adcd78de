import { block, text } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** EKS-008: managed node groups launch from the kit's launch template. */
export const EKS_008: TerraformRule = {
  id: 'EKS-008',
  info: 'EKS managed node groups use a launch template (so EKS-005 and EKS-006 apply to them)',
  rationale:
    'Without a launch template EKS generates one with IMDS hop limit 2 (pods reach the node role) and the AMI ' +
    "default volume encryption; the kit's hardened template must be the one used.",
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_eks_node_group') return notApplicable();
    const template = block(resource.values.launch_template);
    return verdict(
      text(template.id) !== undefined || text(template.name) !== undefined
        ? []
        : ['no launch_template: EKS would generate one with IMDS hop limit 2'],
    );
  },
};
