import { LOG_002 } from './log-002-kms';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const GROUP = 'aws_cloudwatch_log_group.control_plane_logs';
const run =
  (edits: Edits = {}) =>
  () =>
    LOG_002.evaluate(distResource('prod-cluster', GROUP, edits));

ruleTests(LOG_002, {
  compliant: [{ name: 'the real control plane log group', result: run() }],
  nonCompliant: [
    { name: 'no key', result: run({ [`resource.${GROUP}.kms_key_id`]: undefined }), message: /kms_key_id/ },
  ],
});
