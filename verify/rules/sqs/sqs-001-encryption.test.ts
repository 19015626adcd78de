import { SQS_001 } from './sqs-001-encryption';
import type { Edits } from '../testing';
import { distResource, resource, ruleTests } from '../testing';

const QUEUE = 'aws_sqs_queue.karpenter_interruption_queue';
const run =
  (edits: Edits = {}) =>
  () =>
    SQS_001.evaluate(distResource('dev-cluster', QUEUE, edits));

ruleTests(SQS_001, {
  compliant: [
    { name: 'the real Karpenter queue (SSE-SQS)', result: run() },
    {
      name: 'a queue with a KMS key',
      result: () => SQS_001.evaluate(resource('aws_sqs_queue', { kms_master_key_id: 'alias/x' })),
    },
  ],
  nonCompliant: [
    {
      name: 'SSE-SQS turned off',
      result: run({ [`resource.${QUEUE}.sqs_managed_sse_enabled`]: false }),
      message: /neither/,
    },
  ],
});
