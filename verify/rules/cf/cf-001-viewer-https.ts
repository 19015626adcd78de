import { block, blocks, show } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

const SECURE = ['redirect-to-https', 'https-only'];

/** CF-001: viewers always talk HTTPS. */
export const CF_001: TerraformRule = {
  id: 'CF-001',
  info: 'Every CloudFront cache behavior has viewer_protocol_policy redirect-to-https or https-only',
  rationale: 'allow-all serves the UIs and their session cookies over plain HTTP to anyone on the path.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_cloudfront_distribution') return notApplicable();
    const behaviors = [
      { where: 'default_cache_behavior', b: block(resource.values.default_cache_behavior) },
      ...blocks(resource.values.ordered_cache_behavior).map((b, i) => ({
        where: `ordered_cache_behavior[${i}] (${show(b.path_pattern)})`,
        b,
      })),
    ];
    return verdict(
      behaviors
        .filter(({ b }) => !SECURE.includes(show(b.viewer_protocol_policy)))
        .map(
          ({ where, b }) =>
            `${where}.viewer_protocol_policy is ${show(b.viewer_protocol_policy)}; use redirect-to-https`,
        ),
    );
  },
};
