import {
  clusterName,
  WORKLOADS,
  type EnvironmentConfig,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  systemPlacement,
  type ContainerSecurityContext,
  type PodSecurityContext,
  type Toleration,
} from '../../../config';
import {
  highAvailability,
  replicasFor,
  resources,
  serviceAccountValues,
  type Resources,
  type ServiceAccountValues,
} from './common';

/** The values of aws-load-balancer-controller 3.5.0 the kit sets. */
export interface LoadBalancerControllerValues {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  readonly replicaCount: number;
  readonly podDisruptionBudget?: { readonly maxUnavailable: number };
  readonly serviceAccount: ServiceAccountValues;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
  readonly podSecurityContext: PodSecurityContext;
  readonly securityContext: ContainerSecurityContext;
  readonly priorityClassName: 'system-cluster-critical';
  readonly enableServiceMutatorWebhook: false;
}

/**
 * AWS Load Balancer Controller: cluster, region and VPC given explicitly (no instance metadata lookups), Pod
 * Identity, two replicas and a PDB when highly available (its webhooks sit in the path of every Ingress and
 * Service change).
 */
export function loadBalancerControllerValues(
  env: EnvironmentConfig,
  vpcId: string,
): LoadBalancerControllerValues {
  return {
    clusterName: clusterName(env),
    region: env.region,
    vpcId,
    replicaCount: replicasFor(env),
    ...(highAvailability(env) ? { podDisruptionBudget: { maxUnavailable: 1 } } : {}),
    serviceAccount: serviceAccountValues(env, WORKLOADS.loadBalancerController),
    ...systemPlacement(),
    resources: resources('100m', '128Mi', '500m', '512Mi'),
    podSecurityContext: restrictedPodSecurityContext({ fsGroup: 65534 }),
    securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: true }),
    priorityClassName: 'system-cluster-critical',
    // Services of type LoadBalancer are not used; the webhook would otherwise intercept every Service.
    enableServiceMutatorWebhook: false,
  };
}
