import { ECR_004 } from './ecr-004-lifecycle-policy';
import type { Edits } from '../testing';
import { distStack, resultFor, ruleTests } from '../testing';

const run =
  (edits: Edits = {}) =>
  () =>
    resultFor(
      ECR_004.evaluate(distStack('dev-registry', edits)),
      'aws_ecr_repository.arc_runtime_repository',
    );

ruleTests(ECR_004, {
  compliant: [{ name: 'the real Arc runtime repository', result: run() }],
  nonCompliant: [
    {
      name: 'lifecycle policy removed',
      result: run({ 'resource.aws_ecr_lifecycle_policy.arc_runtime_lifecycle_policy': undefined }),
      message: /no aws_ecr_lifecycle_policy/,
    },
  ],
});
