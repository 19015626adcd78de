import { isTrue } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

const SETTINGS = [
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
];

/** S3-002: all four public access block settings are on. */
export const S3_002: TerraformRule = {
  id: 'S3-002',
  info: 'Bucket public access block has all four settings true',
  rationale:
    'Each setting closes a different path to public data (new public ACLs, existing ACLs, public bucket policies, ' +
    'cross-account access through a public policy); leaving one off reopens that path.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_s3_bucket_public_access_block') return notApplicable();
    return verdict(
      SETTINGS.filter((s) => !isTrue(resource.values[s])).map(
        (s) => `${s} is not true (the default is false)`,
      ),
    );
  },
};
