import { text } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** SM-001: secrets are encrypted with the project key. */
export const SM_001: TerraformRule = {
  id: 'SM-001',
  info: 'Secrets Manager secrets set kms_key_id (the project key, not aws/secretsmanager)',
  rationale:
    'With the project key, reading a secret needs kms:Decrypt under the key policy too, and every use is logged ' +
    'against that key; the AWS managed key can be used by any principal of the account with secret access.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_secretsmanager_secret') return notApplicable();
    return verdict(text(resource.values.kms_key_id) === undefined ? ['kms_key_id is not set'] : []);
  },
};
