import { blocks } from '../lib/values';
import type { ObjectResult, TerraformStackRule } from '../lib/rule';

/** CF-005: every distribution writes access logs. */
export const CF_005: TerraformStackRule = {
  id: 'CF-005',
  info: 'Every CloudFront distribution has access logging (logging_config, or a CloudWatch Logs delivery source with a delivery)',
  rationale:
    'CloudFront access logs are the only record of who used the web UIs (Argo, JupyterHub) from where; they are off ' +
    'by default.',
  appliesTo: 'terraform-stack',
  evaluate(stack) {
    return stack.resources
      .filter((r) => r.type === 'aws_cloudfront_distribution')
      .map((distribution): ObjectResult => {
        if (blocks(distribution.values.logging_config).length > 0) {
          return { object: distribution.address, status: 'compliant' };
        }
        const sources = stack.resources.filter(
          (r) =>
            r.type === 'aws_cloudwatch_log_delivery_source' &&
            r.values.resource_arn === `\${${distribution.address}.arn}`,
        );
        const delivered = sources.some((source) =>
          stack.resources.some(
            (r) =>
              r.type === 'aws_cloudwatch_log_delivery' &&
              typeof r.values.delivery_source_name === 'string' &&
              r.values.delivery_source_name.startsWith(`\${${source.address}.`),
          ),
        );
        return delivered
          ? { object: distribution.address, status: 'compliant' }
          : {
              object: distribution.address,
              status: 'non-compliant',
              message: 'no logging_config and no aws_cloudwatch_log_delivery_source with a delivery for it',
            };
      });
  },
};
