import { blocks, show, text } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** CF-003: the origin can tell CloudFront's requests from anyone else's. */
export const CF_003: TerraformRule = {
  id: 'CF-003',
  info: 'Every non-S3 CloudFront origin sends a secret custom header (X-Origin-Verify) the origin checks',
  rationale:
    'The load balancer admits only requests carrying the header, so requests that did not pass through ' +
    'CloudFront (and its TLS, logging and geo rules) are refused even from inside the network path.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_cloudfront_distribution') return notApplicable();
    const origins = blocks(resource.values.origin).filter(
      (o) => blocks(o.s3_origin_config).length === 0 && text(o.origin_access_control_id) === undefined,
    );
    if (origins.length === 0) return notApplicable('S3 origins only');
    return verdict(
      origins
        .filter(
          (o) =>
            !blocks(o.custom_header).some((h) => text(h.name) !== undefined && text(h.value) !== undefined),
        )
        .map((o) => `origin ${show(o.origin_id)} has no custom_header; send the origin-verify header`),
    );
  },
};
