import { NET_002 } from './net-002-endpoint-private-dns';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const run =
  (address: string, edits: Edits = {}) =>
  () =>
    NET_002.evaluate(distResource('dev-network', address, edits));

ruleTests(NET_002, {
  compliant: [{ name: 'the real STS endpoint', result: run('aws_vpc_endpoint.endpoints_sts') }],
  nonCompliant: [
    {
      name: 'private DNS off',
      result: run('aws_vpc_endpoint.endpoints_sts', {
        'resource.aws_vpc_endpoint.endpoints_sts.private_dns_enabled': false,
      }),
      message: /private_dns_enabled/,
    },
  ],
  notApplicable: [{ name: 'the S3 gateway endpoint', result: run('aws_vpc_endpoint.s3_endpoint') }],
});
