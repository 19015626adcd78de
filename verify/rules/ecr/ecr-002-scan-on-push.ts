import { block, isTrue } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** ECR-002: images are scanned for known vulnerabilities when pushed. */
export const ECR_002: TerraformRule = {
  id: 'ECR-002',
  info: 'ECR repositories scan images on push',
  rationale:
    'The runtime images bundle Spark, Hadoop and JVM libraries; scanning on push surfaces known CVEs before a job runs them.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_ecr_repository') return notApplicable();
    return verdict(
      isTrue(block(resource.values.image_scanning_configuration).scan_on_push)
        ? []
        : ['image_scanning_configuration.scan_on_push is not true'],
    );
  },
};
