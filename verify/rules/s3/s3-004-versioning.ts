import { bucketTarget } from '../lib/s3';
import { block, show } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** S3-004: the data buckets (assets, data lake) keep object versions. */
export const S3_004: TerraformRule = {
  id: 'S3-004',
  info: 'Versioning is Enabled on the data buckets (assets, data lake)',
  rationale:
    'The assets bucket holds the job files running workflows point at and the data lake holds the tables; versions ' +
    'let an overwritten or deleted object be restored (lifecycle rules expire old versions).',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_s3_bucket_versioning') return notApplicable();
    const { purpose } = bucketTarget(resource);
    if (purpose !== 'assets' && purpose !== 'datalake') return notApplicable('not a data bucket');
    const status = block(resource.values.versioning_configuration).status;
    return verdict(
      status === 'Enabled'
        ? []
        : [`versioning status is ${show(status)}; set Enabled on the ${purpose} bucket`],
    );
  },
};
