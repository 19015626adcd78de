import { block, blocks, show, strings } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** CF-004: CloudFront reaches public origins over HTTPS with TLS 1.2. */
export const CF_004: TerraformRule = {
  id: 'CF-004',
  info: 'CloudFront custom origins use origin_protocol_policy https-only with TLSv1.2 only (VPC origins excepted)',
  rationale:
    "An http-only or match-viewer origin sends the viewer's requests, cookies and the origin-verify header in clear " +
    'text across the internet. A VPC origin never leaves the AWS network, so it may terminate TLS at CloudFront.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_cloudfront_distribution') return notApplicable();
    const custom = blocks(resource.values.origin).filter((o) => blocks(o.custom_origin_config).length > 0);
    if (custom.length === 0) return notApplicable('no custom origin (S3 or VPC origins only)');
    return verdict(
      custom.flatMap((o) => {
        const config = block(o.custom_origin_config);
        const protocols = strings(config.origin_ssl_protocols);
        return [
          ...(config.origin_protocol_policy === 'https-only'
            ? []
            : [
                `origin ${show(o.origin_id)}: origin_protocol_policy is ${show(config.origin_protocol_policy)}; use https-only`,
              ]),
          ...(protocols.length > 0 && protocols.every((p) => p === 'TLSv1.2')
            ? []
            : [
                `origin ${show(o.origin_id)}: origin_ssl_protocols ${protocols.join(', ') || '(none)'}; use TLSv1.2 only`,
              ]),
        ];
      }),
    );
  },
};
