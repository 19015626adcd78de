import { blocks } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** NET-004: the VPC's default security group allows nothing. */
export const NET_004: TerraformRule = {
  id: 'NET-004',
  info: 'The default security group has no ingress and no egress rules',
  rationale:
    'Anything launched without an explicit security group lands in the default one, which by AWS default lets its ' +
    'members talk to each other and to anywhere; an empty default group fails closed.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_default_security_group') return notApplicable();
    const rules = [...blocks(resource.values.ingress), ...blocks(resource.values.egress)];
    return verdict(
      rules.length === 0 ? [] : [`declares ${rules.length} rule(s); leave the default security group empty`],
    );
  },
};
