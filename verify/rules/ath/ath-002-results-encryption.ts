import { block, show, text } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** ATH-002: query results are encrypted with the project key. */
export const ATH_002: TerraformRule = {
  id: 'ATH-002',
  info: 'Athena workgroup results use SSE_KMS with a named key',
  rationale:
    'Query results are copies of table data; they need the same key and key policy as the data lake.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_athena_workgroup') return notApplicable();
    const encryption = block(
      block(block(resource.values.configuration).result_configuration).encryption_configuration,
    );
    const failures: string[] = [];
    if (encryption.encryption_option !== 'SSE_KMS' && encryption.encryption_option !== 'CSE_KMS') {
      failures.push(
        `result encryption_option is ${show(encryption.encryption_option ?? 'unset')}; use SSE_KMS`,
      );
    } else if (text(encryption.kms_key_arn) === undefined) {
      failures.push('result encryption has no kms_key_arn');
    }
    return verdict(failures);
  },
};
