import { block, isTrue, show, text } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** Security policies that allow nothing older than TLS 1.2. */
const TLS12 = /^TLSv1\.2_\d{4}$|^TLSv1\.3_\d{4}$/;

/** CF-002: with a custom certificate, viewers need TLS 1.2 or later. */
export const CF_002: TerraformRule = {
  id: 'CF-002',
  info: 'CloudFront with a custom certificate uses minimum_protocol_version TLSv1.2_2021 (or later), SNI only',
  rationale:
    'The minimum protocol decides the oldest TLS a viewer may negotiate; TLS 1.0 and 1.1 are deprecated and allow ' +
    'downgrade attacks. (The default *.cloudfront.net certificate cannot be tuned.)',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_cloudfront_distribution') return notApplicable();
    const certificate = block(resource.values.viewer_certificate);
    const custom = text(certificate.acm_certificate_arn) ?? text(certificate.iam_certificate_id);
    if (custom === undefined || isTrue(certificate.cloudfront_default_certificate)) {
      return notApplicable('default CloudFront certificate');
    }
    const failures: string[] = [];
    const minimum = show(certificate.minimum_protocol_version ?? 'TLSv1 (default)');
    if (!TLS12.test(minimum)) failures.push(`minimum_protocol_version is ${minimum}; use TLSv1.2_2021`);
    if (certificate.ssl_support_method !== 'sni-only') {
      failures.push(`ssl_support_method is ${show(certificate.ssl_support_method)}; use sni-only`);
    }
    return verdict(failures);
  },
};
