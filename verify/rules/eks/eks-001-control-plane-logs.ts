import { strings } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

const REQUIRED = ['api', 'audit', 'authenticator'];

/** EKS-001: the control plane logs API calls, audit events and authentication. */
export const EKS_001: TerraformRule = {
  id: 'EKS-001',
  info: 'EKS control-plane logging includes api, audit and authenticator',
  rationale:
    'Audit and authenticator logs are the only record of who did what through the Kubernetes API (and which IAM ' +
    'principal it was); they are off by default and cannot be recovered for the past.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_eks_cluster') return notApplicable();
    const enabled = strings(resource.values.enabled_cluster_log_types);
    const missing = REQUIRED.filter((t) => !enabled.includes(t));
    return verdict(missing.length === 0 ? [] : [`enabled_cluster_log_types lacks ${missing.join(', ')}`]);
  },
};
