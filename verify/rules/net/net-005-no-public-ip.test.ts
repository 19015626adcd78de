import { NET_005 } from './net-005-no-public-ip';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const SUBNET = 'aws_subnet.public_subnet1';
const run =
  (edits: Edits = {}) =>
  () =>
    NET_005.evaluate(distResource('dev-network', SUBNET, edits));

ruleTests(NET_005, {
  compliant: [{ name: 'the real public subnet', result: run() }],
  nonCompliant: [
    {
      name: 'public IPs on launch',
      result: run({ [`resource.${SUBNET}.map_public_ip_on_launch`]: true }),
      message: /map_public_ip_on_launch/,
    },
  ],
});
