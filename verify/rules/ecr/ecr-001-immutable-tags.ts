import { show } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** ECR-001: a pushed tag always names the same image. */
export const ECR_001: TerraformRule = {
  id: 'ECR-001',
  info: 'ECR repositories have image_tag_mutability IMMUTABLE',
  rationale:
    'The manifests pin images by tag; a mutable tag lets anyone with push rights replace what a pinned tag runs ' +
    'without a change to dist/.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_ecr_repository') return notApplicable();
    const mutability = resource.values.image_tag_mutability;
    return verdict(
      mutability === 'IMMUTABLE'
        ? []
        : [`image_tag_mutability is ${show(mutability ?? 'MUTABLE (default)')}`],
    );
  },
};
