import {
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
  replicasFor,
  resources,
  serviceAccountValues,
  type Resources,
  type ServiceAccountValues,
} from './common';

/** The chart's security contexts carry an `enabled` switch that its template strips before rendering. */
type Switched<T> = T & { readonly enabled: true };

/** Placement, size and security of one of the chart's three Deployments. */
interface ComponentValues {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
  readonly podSecurityContext: Switched<PodSecurityContext>;
  readonly securityContext: Switched<ContainerSecurityContext>;
}

/** The values of external-secrets 2.9.0 the kit sets (checked against the chart's values.schema.json in verify). */
export interface ExternalSecretsValues extends ComponentValues {
  /** The chart installs (and upgrades) the CRDs the k8s layer's ClusterSecretStore and ExternalSecrets need. */
  readonly installCRDs: true;
  readonly replicaCount: number;
  /** Required with more than one replica, so only one controller writes a Secret at a time. */
  readonly leaderElect: boolean;
  readonly serviceAccount: ServiceAccountValues;
  /** Namespaced SecretStores are not used: the one ClusterSecretStore is the only way to Secrets Manager. */
  readonly processSecretStore: false;
  readonly webhook: ComponentValues & { readonly replicaCount: number };
  readonly certController: ComponentValues & { readonly replicaCount: 1 };
}

/** The controller runs as the chart's default uid (distroless image, no passwd entry needed). */
const ESO_UID = 1000;

function component(cpu: string, memory: string, cpuLimit: string, memoryLimit: string): ComponentValues {
  return {
    ...systemPlacement(),
    resources: resources(cpu, memory, cpuLimit, memoryLimit),
    podSecurityContext: { enabled: true, ...restrictedPodSecurityContext() },
    securityContext: {
      enabled: true,
      ...restrictedContainerSecurityContext({ readOnlyRootFilesystem: true, runAsUser: ESO_UID }),
    },
  };
}

/**
 * External Secrets Operator: syncs the OIDC client secrets from Secrets Manager into Kubernetes Secrets (the k8s
 * layer's ClusterSecretStore and ExternalSecrets), through Pod Identity on its own service account, on the system
 * nodes. No static AWS credential anywhere: the store names no auth, so the controller's SDK uses the Pod Identity
 * agent's credentials.
 */
export function externalSecretsValues(env: EnvironmentConfig): ExternalSecretsValues {
  const replicas = replicasFor(env);
  return {
    installCRDs: true,
    replicaCount: replicas,
    leaderElect: replicas > 1,
    serviceAccount: serviceAccountValues(env, WORKLOADS.externalSecrets),
    processSecretStore: false,
    ...component('50m', '128Mi', '500m', '256Mi'),
    // The webhook validates every ExternalSecret and store: two replicas when highly available.
    webhook: { replicaCount: replicas, ...component('20m', '64Mi', '200m', '128Mi') },
    // Renews the webhook's certificate; one is enough (the webhook keeps serving the current one meanwhile).
    certController: { replicaCount: 1, ...component('20m', '64Mi', '200m', '256Mi') },
  };
}
