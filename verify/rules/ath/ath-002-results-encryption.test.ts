import { ATH_002 } from './ath-002-results-encryption';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const ENC =
  'resource.aws_athena_workgroup.athena_workgroup.configuration.result_configuration.encryption_configuration';
const run =
  (edits: Edits = {}) =>
  () =>
    ATH_002.evaluate(distResource('prod-data', 'aws_athena_workgroup.athena_workgroup', edits));

ruleTests(ATH_002, {
  compliant: [{ name: 'the real workgroup', result: run() }],
  nonCompliant: [
    {
      name: 'SSE_S3 results',
      result: run({ [ENC]: { encryption_option: 'SSE_S3' } }),
      message: /SSE_S3; use SSE_KMS/,
    },
    {
      name: 'SSE_KMS without a key',
      result: run({ [`${ENC}.kms_key_arn`]: undefined }),
      message: /no kms_key_arn/,
    },
    { name: 'no result encryption', result: run({ [ENC]: undefined }), message: /unset/ },
  ],
});
