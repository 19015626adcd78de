import { text } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** LOG-002: log groups are encrypted with the project key. */
export const LOG_002: TerraformRule = {
  id: 'LOG-002',
  info: 'CloudWatch log groups set kms_key_id',
  rationale:
    'Container and Spark logs contain query text, parameters and sometimes data; the project key puts them under ' +
    'the same key policy as the data they describe.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_cloudwatch_log_group') return notApplicable();
    return verdict(text(resource.values.kms_key_id) === undefined ? ['kms_key_id is not set'] : []);
  },
};
