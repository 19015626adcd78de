import { CF_002 } from './cf-002-viewer-tls';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const CERT = 'resource.aws_cloudfront_distribution.jupyterhub.viewer_certificate';
const run =
  (edits: Edits = {}) =>
  () =>
    CF_002.evaluate(distResource('dev-edge', 'aws_cloudfront_distribution.jupyterhub', edits));
const custom = {
  acm_certificate_arn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc',
  ssl_support_method: 'sni-only',
};

ruleTests(CF_002, {
  compliant: [
    {
      name: 'a custom certificate with TLSv1.2_2021',
      result: run({ [CERT]: { ...custom, minimum_protocol_version: 'TLSv1.2_2021' } }),
    },
  ],
  nonCompliant: [
    {
      name: 'a custom certificate with TLSv1',
      result: run({ [CERT]: { ...custom, minimum_protocol_version: 'TLSv1' } }),
      message: /TLSv1; use TLSv1\.2_2021/,
    },
    {
      name: 'a custom certificate with the default protocol',
      result: run({ [CERT]: custom }),
      message: /default/,
    },
    {
      name: 'dedicated IP',
      result: run({
        [CERT]: { ...custom, minimum_protocol_version: 'TLSv1.2_2021', ssl_support_method: 'vip' },
      }),
      message: /sni-only/,
    },
  ],
  notApplicable: [{ name: 'the real distribution (default certificate)', result: run() }],
});
