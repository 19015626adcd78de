import { KMS_001 } from './kms-001-rotation';
import type { Edits } from '../testing';
import { distResource, resource, ruleTests } from '../testing';

const KEY = 'aws_kms_key.project_key';
const run =
  (edits: Edits = {}) =>
  () =>
    KMS_001.evaluate(distResource('prod-foundation', KEY, edits));

ruleTests(KMS_001, {
  compliant: [{ name: 'the real project key', result: run() }],
  nonCompliant: [
    {
      name: 'rotation turned off',
      result: run({ [`resource.${KEY}.enable_key_rotation`]: false }),
      message: /enable_key_rotation/,
    },
    {
      name: 'rotation left out (off by default)',
      result: run({ [`resource.${KEY}.enable_key_rotation`]: undefined }),
    },
  ],
  notApplicable: [
    {
      name: 'an asymmetric signing key',
      result: () => KMS_001.evaluate(resource('aws_kms_key', { customer_master_key_spec: 'ECC_NIST_P256' })),
    },
  ],
});
