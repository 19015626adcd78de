import { CF_003 } from './cf-003-origin-header';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const run =
  (edits: Edits = {}) =>
  () =>
    CF_003.evaluate(distResource('prod-edge', 'aws_cloudfront_distribution.argo', edits));

ruleTests(CF_003, {
  compliant: [{ name: 'the real Argo distribution', result: run() }],
  nonCompliant: [
    {
      name: 'the origin header removed',
      result: run({ 'resource.aws_cloudfront_distribution.argo.origin.0.custom_header': undefined }),
      message: /origin argo-alb has no custom_header/,
    },
  ],
  notApplicable: [
    {
      name: 'an S3 origin with origin access control',
      result: run({
        'resource.aws_cloudfront_distribution.argo.origin': [
          { origin_id: 's3', domain_name: 'b.s3.amazonaws.com', origin_access_control_id: 'E1' },
        ],
      }),
    },
  ],
});
