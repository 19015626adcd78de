import { CF_001 } from './cf-001-viewer-https';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const CF = 'resource.aws_cloudfront_distribution.argo';
const run =
  (edits: Edits = {}) =>
  () =>
    CF_001.evaluate(distResource('dev-edge', 'aws_cloudfront_distribution.argo', edits));

ruleTests(CF_001, {
  compliant: [{ name: 'the real Argo distribution', result: run() }],
  nonCompliant: [
    {
      name: 'allow-all',
      result: run({ [`${CF}.default_cache_behavior.viewer_protocol_policy`]: 'allow-all' }),
      message: /default_cache_behavior\.viewer_protocol_policy is allow-all/,
    },
    {
      name: 'an ordered behavior over HTTP',
      result: run({
        [`${CF}.ordered_cache_behavior`]: [{ path_pattern: '/api/*', viewer_protocol_policy: 'allow-all' }],
      }),
      message: /ordered_cache_behavior\[0\] \(\/api\/\*\)/,
    },
  ],
});
