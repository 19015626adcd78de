import { numeric } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** LOG-001: log groups expire their events. */
export const LOG_001: TerraformRule = {
  id: 'LOG-001',
  info: 'CloudWatch log groups set retention_in_days (not 0 = never expire)',
  rationale: 'Logs kept forever cost more every month and keep personal data past any retention policy.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_cloudwatch_log_group') return notApplicable();
    const days = numeric(resource.values.retention_in_days);
    return verdict(
      days !== undefined && days > 0 ? [] : ['retention_in_days is not set (events never expire)'],
    );
  },
};
