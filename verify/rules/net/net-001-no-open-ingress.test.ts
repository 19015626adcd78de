import { CLOUDFRONT_ORIGIN_FACING, NET_001 } from './net-001-no-open-ingress';
import type { Edits } from '../testing';
import { distResource, resource, ruleTests } from '../testing';

const RULE = 'aws_vpc_security_group_ingress_rule.api_from_vpc';
const run =
  (edits: Edits = {}) =>
  () =>
    NET_001.evaluate(distResource('dev-cluster', RULE, edits));

ruleTests(NET_001, {
  compliant: [
    { name: 'the real API rule (VPC CIDR)', result: run() },
    {
      name: 'HTTPS from the CloudFront origin-facing prefix list',
      result: () =>
        NET_001.evaluate(
          resource(
            'aws_vpc_security_group_ingress_rule',
            {
              from_port: 443,
              to_port: 443,
              ip_protocol: 'tcp',
              prefix_list_id: '${data.aws_ec2_managed_prefix_list.cloudfront.id}',
            },
            { data: { aws_ec2_managed_prefix_list: { cloudfront: { name: CLOUDFRONT_ORIGIN_FACING } } } },
          ),
        ),
    },
  ],
  nonCompliant: [
    {
      name: 'the real API rule opened to the internet',
      result: run({ [`resource.${RULE}.cidr_ipv4`]: '0.0.0.0/0' }),
      message: /admits 0\.0\.0\.0\/0/,
    },
    {
      name: 'an inline IPv6 ingress from anywhere',
      result: () =>
        NET_001.evaluate(
          resource('aws_security_group', {
            ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp', ipv6_cidr_blocks: ['::/0'] }],
          }),
        ),
      message: /ingress\[0\] admits ::\/0/,
    },
    {
      name: 'a legacy ingress rule from anywhere',
      result: () =>
        NET_001.evaluate(
          resource('aws_security_group_rule', { type: 'ingress', cidr_blocks: ['0.0.0.0/0'] }),
        ),
    },
  ],
  notApplicable: [
    {
      name: 'an egress rule',
      result: () =>
        NET_001.evaluate(resource('aws_security_group_rule', { type: 'egress', cidr_blocks: ['0.0.0.0/0'] })),
    },
  ],
});
