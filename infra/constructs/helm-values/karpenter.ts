import {
  clusterName,
  karpenterQueueName,
  WORKLOADS,
  type EnvironmentConfig,
  restrictedPodSecurityContext,
  systemPlacement,
  type PodSecurityContext,
  type Toleration,
} from '../../../config';
import {
  replicasFor,
  resources,
  serviceAccountValues,
  type Resources,
  type ServiceAccountValues,
} from './common';

/** The values of the Karpenter chart 1.14.1 the kit sets. */
export interface KarpenterValues {
  readonly settings: { readonly clusterName: string; readonly interruptionQueue: string };
  readonly serviceAccount: ServiceAccountValues;
  readonly replicas: number;
  readonly podDisruptionBudget: { readonly name: string; readonly maxUnavailable: number };
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly podSecurityContext: PodSecurityContext;
  readonly controller: { readonly resources: Resources };
}

/**
 * Karpenter: settings from config, Pod Identity (no annotation), controller on the system nodes (never on nodes it
 * manages itself). The chart's container security context is already restricted; the pod one adds seccomp.
 */
export function karpenterValues(env: EnvironmentConfig): KarpenterValues {
  return {
    settings: { clusterName: clusterName(env), interruptionQueue: karpenterQueueName(env) },
    serviceAccount: serviceAccountValues(env, WORKLOADS.karpenter),
    replicas: replicasFor(env),
    podDisruptionBudget: { name: 'karpenter', maxUnavailable: 1 },
    ...systemPlacement(),
    podSecurityContext: restrictedPodSecurityContext({ fsGroup: 65532 }),
    controller: { resources: resources('500m', '512Mi', '1', '1Gi') },
  };
}
