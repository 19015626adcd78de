import { block, blocks, strings, text } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** EKS-002: Kubernetes Secrets are envelope-encrypted with a customer managed key. */
export const EKS_002: TerraformRule = {
  id: 'EKS-002',
  info: 'EKS envelope-encrypts Kubernetes secrets with a KMS key (encryption_config resources = secrets)',
  rationale:
    'Envelope encryption puts Secrets in etcd behind a KMS key this account controls and audits, in addition to the ' +
    'EBS encryption AWS applies to etcd volumes.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_eks_cluster') return notApplicable();
    const configs = blocks(resource.values.encryption_config);
    const ok = configs.some(
      (c) => strings(c.resources).includes('secrets') && text(block(c.provider).key_arn) !== undefined,
    );
    return verdict(ok ? [] : ['no encryption_config with resources ["secrets"] and provider.key_arn']);
  },
};
