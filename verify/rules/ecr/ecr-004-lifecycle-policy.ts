import type { ObjectResult, TerraformStackRule } from '../lib/rule';
/** ECR-004: every repository expires old images. */
export const ECR_004: TerraformStackRule = {
  id: 'ECR-004',
  info: 'Every ECR repository has a lifecycle policy in its stack',
  rationale:
    'Immutable tags mean every build adds an image; without expiry, storage grows without bound and old, ' +
    'unpatched images stay pullable forever.',
  appliesTo: 'terraform-stack',
  evaluate(stack) {
    return stack.resources
      .filter((r) => r.type === 'aws_ecr_repository')
      .map((repository): ObjectResult => {
        const name = repository.values.name;
        const found = stack.resources.some(
          (r) =>
            r.type === 'aws_ecr_lifecycle_policy' &&
            (r.values.repository === name ||
              (typeof r.values.repository === 'string' &&
                r.values.repository.startsWith(`\${${repository.address}.`))),
        );
        return found
          ? { object: repository.address, status: 'compliant' }
          : {
              object: repository.address,
              status: 'non-compliant',
              message: 'no aws_ecr_lifecycle_policy for this repository',
            };
      });
  },
};
