import type { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { NAMESPACES } from '../../config';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';

/** Pod Security Standard level a namespace enforces. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/**
 * The level each platform namespace enforces. Everything the kit schedules itself meets `restricted`; JupyterHub's
 * chart runs helper pods (image puller, user scheduler) that need `baseline`, so that namespace enforces baseline
 * and warns and audits at restricted; Fluent Bit reads node logs and needs `privileged`.
 */
export const NAMESPACE_POD_SECURITY: Readonly<Record<keyof typeof NAMESPACES, PodSecurityLevel>> = {
  sparkJobs: 'restricted',
  argo: 'restricted',
  jupyter: 'baseline',
  sparkOperator: 'restricted',
  sparkHistory: 'restricted',
  argocd: 'restricted',
  karpenter: 'restricted',
  loadBalancerController: 'restricted',
  // Fluent Bit is a DaemonSet that reads container logs from the node (hostPath /var/log).
  fluentBit: 'privileged',
  externalSecrets: 'restricted',
};

/** Pod Security Admission labels for a level, pinned to the cluster's Kubernetes minor version. */
export function podSecurityLabels(
  level: PodSecurityLevel,
  kubernetesVersion: string,
): Record<string, string> {
  const version = `v${kubernetesVersion}`;
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': version,
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': version,
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': version,
  };
}

/** The namespaces the platform uses, each with Pod Security Admission labels. */
export class NamespacesChart extends EnvironmentChart {
  constructor(scope: Construct, props: EnvironmentChartProps) {
    super(scope, 'namespaces', props);
    for (const [key, name] of Object.entries(NAMESPACES) as [keyof typeof NAMESPACES, string][]) {
      new k8s.KubeNamespace(this, name, {
        metadata: {
          name,
          labels: podSecurityLabels(NAMESPACE_POD_SECURITY[key], props.env.eks.version),
          // Helm releases live in these namespaces too: Argo CD labels them but must never prune or delete them.
          annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
        },
      });
    }
  }
}
