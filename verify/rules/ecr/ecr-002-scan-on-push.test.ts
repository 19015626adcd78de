import { ECR_002 } from './ecr-002-scan-on-push';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const REPO = 'aws_ecr_repository.arc_runtime_repository';
const run =
  (edits: Edits = {}) =>
  () =>
    ECR_002.evaluate(distResource('prod-registry', REPO, edits));

ruleTests(ECR_002, {
  compliant: [{ name: 'the real Arc runtime repository', result: run() }],
  nonCompliant: [
    {
      name: 'scanning off',
      result: run({ [`resource.${REPO}.image_scanning_configuration.scan_on_push`]: false }),
      message: /scan_on_push/,
    },
  ],
});
