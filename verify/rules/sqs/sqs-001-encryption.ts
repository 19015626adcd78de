import { isTrue, text } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** SQS-001: queues are encrypted at rest. */
export const SQS_001: TerraformRule = {
  id: 'SQS-001',
  info: 'SQS queues are encrypted at rest (kms_master_key_id, or sqs_managed_sse_enabled true)',
  rationale:
    'Messages (e.g. EC2 interruption events naming instances) are stored until read; SSE-SQS is acceptable where ' +
    'the sender is an AWS service (EventBridge) that cannot be granted a customer managed key without more policy.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_sqs_queue') return notApplicable();
    return verdict(
      text(resource.values.kms_master_key_id) !== undefined || isTrue(resource.values.sqs_managed_sse_enabled)
        ? []
        : ['neither kms_master_key_id nor sqs_managed_sse_enabled = true'],
    );
  },
};
