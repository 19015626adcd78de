import { S3_004 } from './s3-004-versioning';
import { distResource, ruleTests } from '../testing';

const run =
  (stack: string, address: string, edits = {}) =>
  () =>
    S3_004.evaluate(distResource(stack, address, edits));
const LAKE = 'aws_s3_bucket_versioning.datalake_bucket_versioning';

ruleTests(S3_004, {
  compliant: [
    { name: 'the real data lake', result: run('dev-data', LAKE) },
    {
      name: 'the real assets bucket',
      result: run('prod-foundation', 'aws_s3_bucket_versioning.assets_bucket_versioning'),
    },
  ],
  nonCompliant: [
    {
      name: 'the real data lake with versioning suspended',
      result: run('dev-data', LAKE, { [`resource.${LAKE}.versioning_configuration.status`]: 'Suspended' }),
      message: /Suspended; set Enabled on the datalake bucket/,
    },
  ],
  notApplicable: [
    {
      name: 'the logs bucket (versioning off on purpose)',
      result: run('dev-foundation', 'aws_s3_bucket_versioning.logs_bucket_versioning'),
    },
    {
      name: 'the Athena results bucket',
      result: run('dev-data', 'aws_s3_bucket_versioning.athena_results_bucket_versioning'),
    },
  ],
});
