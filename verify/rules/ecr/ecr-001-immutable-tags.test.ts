import { ECR_001 } from './ecr-001-immutable-tags';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const REPO = 'aws_ecr_repository.spark_runtime_repository';
const run =
  (edits: Edits = {}) =>
  () =>
    ECR_001.evaluate(distResource('dev-registry', REPO, edits));

ruleTests(ECR_001, {
  compliant: [{ name: 'the real Spark runtime repository', result: run() }],
  nonCompliant: [
    {
      name: 'mutable tags',
      result: run({ [`resource.${REPO}.image_tag_mutability`]: 'MUTABLE' }),
      message: /MUTABLE/,
    },
    {
      name: 'left at the default',
      result: run({ [`resource.${REPO}.image_tag_mutability`]: undefined }),
      message: /default/,
    },
  ],
});
