import { KMS_002 } from './kms-002-deletion-window';
import type { Edits } from '../testing';
import { distResource, resource, ruleTests } from '../testing';

const KEY = 'aws_kms_key.project_key';
const run =
  (edits: Edits = {}) =>
  () =>
    KMS_002.evaluate(distResource('dev-foundation', KEY, edits));

ruleTests(KMS_002, {
  compliant: [
    { name: 'the real project key (30 days)', result: run() },
    { name: 'the default window', result: () => KMS_002.evaluate(resource('aws_kms_key', {})) },
  ],
  nonCompliant: [
    {
      name: 'a 3-day window',
      result: run({ [`resource.${KEY}.deletion_window_in_days`]: 3 }),
      message: /is 3; use at least 7/,
    },
  ],
});
