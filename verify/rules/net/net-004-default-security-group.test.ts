import { NET_004 } from './net-004-default-security-group';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const SG = 'aws_default_security_group.default_security_group';
const run =
  (edits: Edits = {}) =>
  () =>
    NET_004.evaluate(distResource('dev-network', SG, edits));

ruleTests(NET_004, {
  compliant: [{ name: 'the real default security group', result: run() }],
  nonCompliant: [
    {
      name: 'a self-referencing ingress',
      result: run({ [`resource.${SG}.ingress`]: [{ protocol: '-1', self: true, from_port: 0, to_port: 0 }] }),
      message: /declares 1 rule/,
    },
  ],
});
