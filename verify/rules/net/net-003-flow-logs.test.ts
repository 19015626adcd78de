import { NET_003 } from './net-003-flow-logs';
import type { Edits } from '../testing';
import { distStack, resultFor, ruleTests } from '../testing';

const run =
  (edits: Edits = {}) =>
  () =>
    resultFor(NET_003.evaluate(distStack('prod-network', edits)), 'aws_vpc.vpc');

ruleTests(NET_003, {
  compliant: [{ name: 'the real VPC', result: run() }],
  nonCompliant: [
    {
      name: 'flow log removed',
      result: run({ 'resource.aws_flow_log.flow_log': undefined }),
      message: /no aws_flow_log/,
    },
    {
      name: 'only rejected traffic',
      result: run({ 'resource.aws_flow_log.flow_log.traffic_type': 'REJECT' }),
      message: /ALL/,
    },
  ],
});
