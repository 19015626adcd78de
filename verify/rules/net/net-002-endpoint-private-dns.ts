import { isTrue } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** NET-002: interface endpoints take over the service's DNS name inside the VPC. */
export const NET_002: TerraformRule = {
  id: 'NET-002',
  info: 'Interface VPC endpoints have private_dns_enabled true',
  rationale:
    'Without private DNS, SDKs keep resolving the public service endpoint and traffic leaves through the NAT ' +
    'gateway, so the endpoint (and its cost) does nothing and the traffic is not kept private.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_vpc_endpoint' || resource.values.vpc_endpoint_type !== 'Interface') {
      return notApplicable();
    }
    return verdict(isTrue(resource.values.private_dns_enabled) ? [] : ['private_dns_enabled is not true']);
  },
};
