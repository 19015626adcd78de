import { block, show } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** S3-006: object ownership is BucketOwnerEnforced (ACLs disabled). */
export const S3_006: TerraformRule = {
  id: 'S3-006',
  info: 'Bucket ownership controls are BucketOwnerEnforced (ACLs disabled)',
  rationale:
    'With ACLs disabled, the bucket policy and IAM alone decide access and the bucket owns every object, so an ' +
    'object uploaded by another account or service cannot carry its own, possibly public, ACL.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_s3_bucket_ownership_controls') return notApplicable();
    const ownership = block(resource.values.rule).object_ownership;
    return verdict(
      ownership === 'BucketOwnerEnforced'
        ? []
        : [`object_ownership is ${show(ownership)}; use BucketOwnerEnforced`],
    );
  },
};
