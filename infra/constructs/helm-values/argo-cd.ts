import {
  APP_VERSIONS,
  NAMESPACES,
  teamNamespace,
  type EnvironmentConfig,
  systemPlacement,
  type Toleration,
} from '../../../config';
import { highAvailability, replicasFor, resources, type Resources } from './common';

interface ArgoCdComponent {
  readonly replicas: number;
  readonly pdb: { readonly enabled: boolean; readonly minAvailable?: number };
  readonly resources: Resources;
}

/** A Namespace manifest the release creates before the charts that need it (see {@link argoCdValues}). */
interface NamespaceObject {
  readonly apiVersion: 'v1';
  readonly kind: 'Namespace';
  readonly metadata: { readonly name: string; readonly annotations: Readonly<Record<string, string>> };
}

/** The values of argo-cd 10.1.1 the kit sets (running Argo CD {@link APP_VERSIONS}, not the chart's v3.4.4). */
export interface ArgoCdValues {
  readonly global: {
    /** Tag of every Argo CD component's image (the chart defaults it to its appVersion). */
    readonly image: { readonly tag: string };
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly tolerations: readonly Toleration[];
  };
  readonly crds: { readonly keep: true };
  readonly dex: { readonly enabled: false };
  readonly notifications: { readonly enabled: false };
  readonly configs: {
    readonly params: Readonly<Record<string, string | number | boolean>>;
    readonly cm: Readonly<Record<string, string | boolean>>;
  };
  readonly server: ArgoCdComponent & { readonly ingress: { readonly enabled: false } };
  readonly repoServer: ArgoCdComponent;
  readonly applicationSet: ArgoCdComponent;
  readonly controller: { readonly replicas: 1; readonly resources: Resources };
  readonly redis: { readonly resources: Resources };
  readonly extraObjects: readonly NamespaceObject[];
}

/**
 * Namespaces that charts installed after Argo CD need before they install (the Spark Operator and Argo Workflows
 * create Roles in the job namespace) but that no release owns. `keep` so uninstalling Argo CD never deletes the
 * ETL namespace; the k8s layer's Namespace object (with its Pod Security labels) adopts it through Argo CD.
 */
export const PRE_CREATED_NAMESPACES: readonly string[] = [NAMESPACES.sparkJobs];

/** {@link PRE_CREATED_NAMESPACES} and every team's job namespace (both charts create Roles there too). */
export function preCreatedNamespaces(env: Pick<EnvironmentConfig, 'teams'>): string[] {
  return [...PRE_CREATED_NAMESPACES, ...env.teams.map((team) => teamNamespace(team))];
}

const component = (env: EnvironmentConfig, res: Resources): ArgoCdComponent => ({
  replicas: replicasFor(env),
  pdb: highAvailability(env) ? { enabled: true, minAvailable: 1 } : { enabled: false },
  resources: res,
});

/**
 * Argo CD: TLS on the server, no Dex (no UI login beyond the local admin, reached by port-forward), no exec,
 * stateless components doubled with PDBs when highly available. The application controller stays single (no
 * sharding needed for one cluster) and Redis stays single (redis-ha needs three nodes for its quorum).
 * The chart's container security contexts already meet the restricted standard.
 */
export function argoCdValues(env: EnvironmentConfig): ArgoCdValues {
  return {
    global: { image: { tag: APP_VERSIONS['argo-cd'] }, ...systemPlacement() },
    crds: { keep: true },
    dex: { enabled: false },
    notifications: { enabled: false },
    configs: {
      params: {
        'server.insecure': false,
        'controller.status.processors': 20,
        'controller.operation.processors': 10,
        'reposerver.parallelism.limit': 4,
      },
      cm: {
        'exec.enabled': false,
        'users.anonymous.enabled': false,
        'timeout.reconciliation': '180s',
      },
    },
    server: { ...component(env, resources('100m', '128Mi', '500m', '512Mi')), ingress: { enabled: false } },
    // Renders the cdk8s output (plain YAML); memory for large manifests of many pipelines.
    repoServer: component(env, resources('200m', '256Mi', '1', '1Gi')),
    applicationSet: component(env, resources('50m', '64Mi', '250m', '256Mi')),
    controller: { replicas: 1, resources: resources('250m', '512Mi', '1', '2Gi') },
    redis: { resources: resources('50m', '64Mi', '250m', '256Mi') },
    extraObjects: preCreatedNamespaces(env).map((name) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, annotations: { 'helm.sh/resource-policy': 'keep' } },
    })),
  };
}
