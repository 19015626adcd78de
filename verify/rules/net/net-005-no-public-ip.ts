import { isTrue } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** NET-005: nothing gets a public IP address just by being launched into a subnet. */
export const NET_005: TerraformRule = {
  id: 'NET-005',
  info: 'Subnets do not assign public IPs on launch (map_public_ip_on_launch not true)',
  rationale:
    'Nodes and endpoints live in private subnets; public subnets hold only NAT gateways and load balancers, which ' +
    'get their addresses explicitly. Auto-assigned public IPs put instances directly on the internet.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_subnet') return notApplicable();
    return verdict(
      isTrue(resource.values.map_public_ip_on_launch) ? ['map_public_ip_on_launch is true'] : [],
    );
  },
};
