import { numeric, show } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** The shortest deletion window the kit accepts, in days. */
const MIN_DELETION_WINDOW = 7;

/** KMS-002: a scheduled key deletion can be cancelled for at least a week. */
export const KMS_002: TerraformRule = {
  id: 'KMS-002',
  info: `KMS key deletion window is at least ${MIN_DELETION_WINDOW} days (default 30)`,
  rationale:
    'Deleting a key makes everything encrypted with it unreadable for good; the window is the only chance to notice ' +
    'and cancel a mistaken or malicious deletion.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_kms_key') return notApplicable();
    const raw = resource.values.deletion_window_in_days;
    if (raw === undefined) return verdict([], 'default window of 30 days');
    const days = numeric(raw);
    return verdict(
      days !== undefined && days >= MIN_DELETION_WINDOW
        ? []
        : [`deletion_window_in_days is ${show(raw)}; use at least ${MIN_DELETION_WINDOW}`],
    );
  },
};
