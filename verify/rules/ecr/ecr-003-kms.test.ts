import { ECR_003 } from './ecr-003-kms';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const REPO = 'aws_ecr_repository.spark_runtime_repository';
const run =
  (edits: Edits = {}) =>
  () =>
    ECR_003.evaluate(distResource('dev-registry', REPO, edits));

ruleTests(ECR_003, {
  compliant: [{ name: 'the real repository (project key)', result: run() }],
  nonCompliant: [
    {
      name: 'default encryption',
      result: run({ [`resource.${REPO}.encryption_configuration`]: undefined }),
      message: /AES256 \(default\)/,
    },
    {
      name: 'KMS with the AWS managed key',
      result: run({ [`resource.${REPO}.encryption_configuration`]: [{ encryption_type: 'KMS' }] }),
      message: /kms_key is not set/,
    },
  ],
});
