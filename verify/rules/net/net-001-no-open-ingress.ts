import { blocks, show, strings } from '../lib/values';
import type { TerraformResource } from '../../dist';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

const OPEN = ['0.0.0.0/0', '::/0'];

/** The managed prefix list of CloudFront's origin-facing addresses. */
export const CLOUDFRONT_ORIGIN_FACING = 'com.amazonaws.global.cloudfront.origin-facing';

/** The name of the managed prefix list a prefix-list id resolves to, when it is a data source of the stack. */
function prefixListName(resource: TerraformResource, id: string): string | undefined {
  const reference = resource.lookup.reference(id);
  return reference?.mode === 'data' && reference.type === 'aws_ec2_managed_prefix_list'
    ? show(reference.values.name ?? '')
    : undefined;
}

/** One ingress source of a security group resource, for messages. */
interface Ingress {
  readonly where: string;
  readonly cidrs: readonly string[];
  readonly prefixLists: readonly string[];
}

function ingressOf(resource: TerraformResource): Ingress[] | undefined {
  const v = resource.values;
  switch (resource.type) {
    case 'aws_security_group':
      return blocks(v.ingress).map((rule, i) => ({
        where: `ingress[${i}]`,
        cidrs: [...strings(rule.cidr_blocks), ...strings(rule.ipv6_cidr_blocks)],
        prefixLists: strings(rule.prefix_list_ids),
      }));
    case 'aws_security_group_rule':
      return v.type === 'ingress'
        ? [
            {
              where: 'rule',
              cidrs: [...strings(v.cidr_blocks), ...strings(v.ipv6_cidr_blocks)],
              prefixLists: strings(v.prefix_list_ids),
            },
          ]
        : [];
    case 'aws_vpc_security_group_ingress_rule':
      return [
        {
          where: 'rule',
          cidrs: [...strings(v.cidr_ipv4), ...strings(v.cidr_ipv6)],
          prefixLists: strings(v.prefix_list_id),
        },
      ];
    default:
      return undefined;
  }
}

/** NET-001: nothing is reachable from the whole internet; CloudFront reaches origins through its prefix list. */
export const NET_001: TerraformRule = {
  id: 'NET-001',
  info: 'No security group ingress from 0.0.0.0/0 or ::/0 (a public origin admits only the CloudFront origin-facing prefix list)',
  rationale:
    'Everything the kit runs is reached through CloudFront (VPC origins) or from inside the VPC; an ingress from ' +
    'anywhere exposes the port to internet scanning and bypasses CloudFront and its origin header check.',
  appliesTo: 'terraform',
  evaluate(resource) {
    const ingress = ingressOf(resource);
    if (ingress === undefined || ingress.length === 0) return notApplicable();
    const cloudFront = ingress.some((i) =>
      i.prefixLists.some((p) => prefixListName(resource, p) === CLOUDFRONT_ORIGIN_FACING),
    );
    return verdict(
      ingress.flatMap((i) =>
        i.cidrs
          .filter((c) => OPEN.includes(c))
          .map(
            (c) =>
              `${i.where} admits ${c}; restrict the source (CloudFront: use the ${CLOUDFRONT_ORIGIN_FACING} prefix list)`,
          ),
      ),
      cloudFront ? `source is the ${CLOUDFRONT_ORIGIN_FACING} prefix list` : undefined,
    );
  },
};
