import { SM_001 } from './sm-001-kms';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const SECRET = 'aws_secretsmanager_secret.origin_verify_secret';
const run =
  (edits: Edits = {}) =>
  () =>
    SM_001.evaluate(distResource('dev-edge', SECRET, edits));

ruleTests(SM_001, {
  compliant: [{ name: 'the real origin-verify secret', result: run() }],
  nonCompliant: [
    {
      name: 'the AWS managed key',
      result: run({ [`resource.${SECRET}.kms_key_id`]: undefined }),
      message: /kms_key_id/,
    },
  ],
});
