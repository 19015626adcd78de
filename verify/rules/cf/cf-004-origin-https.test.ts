import { CF_004 } from './cf-004-origin-https';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const ORIGIN = 'resource.aws_cloudfront_distribution.argo.origin';
const run =
  (edits: Edits = {}) =>
  () =>
    CF_004.evaluate(distResource('dev-edge', 'aws_cloudfront_distribution.argo', edits));
const origin = (config: Record<string, unknown>) => [
  {
    origin_id: 'alb',
    domain_name: 'alb.example.com',
    custom_origin_config: { http_port: 80, https_port: 443, ...config },
  },
];

ruleTests(CF_004, {
  compliant: [
    {
      name: 'an HTTPS origin with TLS 1.2',
      result: run({
        [ORIGIN]: origin({ origin_protocol_policy: 'https-only', origin_ssl_protocols: ['TLSv1.2'] }),
      }),
    },
  ],
  nonCompliant: [
    {
      name: 'an http-only public origin',
      result: run({
        [ORIGIN]: origin({ origin_protocol_policy: 'http-only', origin_ssl_protocols: ['TLSv1.2'] }),
      }),
      message: /http-only; use https-only/,
    },
    {
      name: 'TLSv1 allowed to the origin',
      result: run({
        [ORIGIN]: origin({
          origin_protocol_policy: 'https-only',
          origin_ssl_protocols: ['TLSv1', 'TLSv1.2'],
        }),
      }),
      message: /TLSv1, TLSv1\.2; use TLSv1\.2 only/,
    },
  ],
  notApplicable: [
    { name: 'the real distribution (VPC origin over HTTP inside AWS)', result: run() },
    {
      name: 'the real VPC origin resource',
      result: () => CF_004.evaluate(distResource('dev-edge', 'aws_cloudfront_vpc_origin.ui_alb_origin')),
    },
  ],
});
