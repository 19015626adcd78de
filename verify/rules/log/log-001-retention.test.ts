import { LOG_001 } from './log-001-retention';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const GROUP = 'aws_cloudwatch_log_group.spark_log_group';
const run =
  (edits: Edits = {}) =>
  () =>
    LOG_001.evaluate(distResource('dev-workloads', GROUP, edits));

ruleTests(LOG_001, {
  compliant: [{ name: 'the real Spark log group', result: run() }],
  nonCompliant: [
    {
      name: 'no retention',
      result: run({ [`resource.${GROUP}.retention_in_days`]: undefined }),
      message: /never expire/,
    },
    { name: 'retention 0 (never expire)', result: run({ [`resource.${GROUP}.retention_in_days`]: 0 }) },
  ],
});
