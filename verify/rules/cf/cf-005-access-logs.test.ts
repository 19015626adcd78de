import { CF_005 } from './cf-005-access-logs';
import type { Edits } from '../testing';
import { distStack, resultFor, ruleTests } from '../testing';

const run =
  (edits: Edits = {}) =>
  () =>
    resultFor(CF_005.evaluate(distStack('dev-edge', edits)), 'aws_cloudfront_distribution.jupyterhub');

ruleTests(CF_005, {
  compliant: [
    { name: 'the real distribution (CloudWatch Logs delivery to S3)', result: run() },
    {
      name: 'legacy logging_config',
      result: run({
        'resource.aws_cloudwatch_log_delivery_source.jupyterhub_access_log_source': undefined,
        'resource.aws_cloudfront_distribution.jupyterhub.logging_config': { bucket: 'logs.s3.amazonaws.com' },
      }),
    },
  ],
  nonCompliant: [
    {
      name: 'the delivery removed',
      result: run({ 'resource.aws_cloudwatch_log_delivery.jupyterhub_access_log_delivery': undefined }),
      message: /no logging_config/,
    },
  ],
});
