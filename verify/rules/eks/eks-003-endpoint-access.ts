import { block, isFalse, strings } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

const OPEN = ['0.0.0.0/0', '::/0'];

/** EKS-003: the Kubernetes API is private, or public only to named CIDRs. */
export const EKS_003: TerraformRule = {
  id: 'EKS-003',
  info: 'EKS public endpoint is off, or restricted by public_access_cidrs without 0.0.0.0/0',
  rationale:
    'The public endpoint is on by default and open to the internet; every API server vulnerability or leaked ' +
    'credential is then exploitable from anywhere.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_eks_cluster') return notApplicable();
    const vpc = block(resource.values.vpc_config);
    if (isFalse(vpc.endpoint_public_access)) return verdict([], 'public endpoint off');
    const cidrs = strings(vpc.public_access_cidrs);
    if (cidrs.length === 0) {
      return verdict([
        'the public endpoint is on (the default) and open to 0.0.0.0/0; set endpoint_public_access false or public_access_cidrs',
      ]);
    }
    const open = cidrs.filter((c) => OPEN.includes(c));
    return verdict(open.length === 0 ? [] : [`public_access_cidrs includes ${open.join(', ')}`]);
  },
};
