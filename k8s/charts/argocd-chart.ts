import type { Construct } from 'constructs';
import {
  DIST_DIR,
  DIST_PATHS,
  GP3_STORAGE_CLASS,
  NAMESPACES,
  NODE_POOLS,
  resourcePrefix,
  SECRETS_MANAGER_STORE,
  TEAM_JOB_POOLS,
  teamNamespace,
  teamNotebookPriorityClass,
  teamPoolName,
  type EnvironmentConfig,
} from '../../config';
import { Application } from '../../imports/argocd-application-argoproj.io';
import {
  AppProject,
  type AppProjectSpecClusterResourceWhitelist,
  type AppProjectSpecNamespaceResourceWhitelist,
} from '../../imports/argocd-app-project-argoproj.io';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';
import { NODE_CLASS_NAME, teamNodeClassName } from './karpenter-chart';

/** The API server as Argo CD names the cluster it runs in. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** Argo CD deletes an Application's resources before the Application itself when this finalizer is set. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Unit of this chart; its folder in dist/k8s/<env>/ is `<env>-argocd`. */
const UNIT = 'argocd';

/**
 * Cluster-scoped objects the kit's manifests contain, each by kind and name: Argo CD may create, change and prune
 * these and no other cluster-scoped object (no ClusterRole, no CRD, no webhook). A test keeps the list equal to what
 * the environment's charts synthesize.
 */
export const CLUSTER_RESOURCE_WHITELIST: readonly AppProjectSpecClusterResourceWhitelist[] = [
  ...Object.values(NAMESPACES).map((name) => ({ group: '', kind: 'Namespace', name })),
  { group: 'storage.k8s.io', kind: 'StorageClass', name: GP3_STORAGE_CLASS },
  { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: NODE_CLASS_NAME },
  ...Object.values(NODE_POOLS).map((pool) => ({ group: 'karpenter.sh', kind: 'NodePool', name: pool.name })),
  { group: 'external-secrets.io', kind: 'ClusterSecretStore', name: SECRETS_MANAGER_STORE },
];

/**
 * {@link CLUSTER_RESOURCE_WHITELIST} and each team's cluster-scoped objects: its namespace, node class, node pools
 * and notebook PriorityClass (k8s/charts/team-chart.ts, karpenter-chart.ts).
 */
export function clusterResourceWhitelist(env: EnvironmentConfig): AppProjectSpecClusterResourceWhitelist[] {
  return [
    ...CLUSTER_RESOURCE_WHITELIST,
    ...env.teams.flatMap((team) => [
      { group: '', kind: 'Namespace', name: teamNamespace(team) },
      { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: teamNodeClassName(team.name) },
      ...TEAM_JOB_POOLS.map((pool) => ({
        group: 'karpenter.sh',
        kind: 'NodePool',
        name: teamPoolName(pool, team.name),
      })),
      { group: 'scheduling.k8s.io', kind: 'PriorityClass', name: teamNotebookPriorityClass(team) },
    ]),
  ];
}

/**
 * Namespaced kinds the kit's manifests contain (kinds only: names change with every pipeline). A test keeps the list
 * equal to what the environment's charts synthesize, so a chart that adds a kind must add it here.
 */
export const NAMESPACE_RESOURCE_WHITELIST: readonly AppProjectSpecNamespaceResourceWhitelist[] = [
  { group: '', kind: 'ConfigMap' },
  // A team's job namespace: its defaults per container and its quota (k8s/charts/team-chart.ts).
  { group: '', kind: 'LimitRange' },
  { group: '', kind: 'ResourceQuota' },
  // Service account token Secrets of the Argo SSO accounts only; they carry no value (the API server fills it in).
  { group: '', kind: 'Secret' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'argoproj.io', kind: 'CronWorkflow' },
  { group: 'argoproj.io', kind: 'WorkflowTemplate' },
  // The web UIs' Services in the edge stack's target groups (k8s/charts/web-targets-chart.ts).
  { group: 'elbv2.k8s.aws', kind: 'TargetGroupBinding' },
  { group: 'external-secrets.io', kind: 'ExternalSecret' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
];

/** Retry of a failed sync: 10 s, 20 s, 40 s, 80 s, 160 s (capped at 3 min), then wait for the next change. */
export const SYNC_RETRY = {
  limit: 5,
  backoff: { duration: '10s', factor: 2, maxDuration: '3m' },
} as const;

/**
 * How Argo CD deploys this environment: an AppProject fencing in what it may touch and the root Application that
 * syncs `dist/k8s/<env>` of this repository.
 *
 * The project allows exactly this repository as source, the platform namespaces of the in-cluster API server as
 * destinations, the kit's own Namespaces and StorageClass as the only cluster-scoped objects, and the namespaced kinds
 * the kit renders.
 *
 * Bootstrap, and why the Application does not manage itself: both objects are rendered into `<env>-argocd/`, which the
 * Application excludes from its own source. An administrator applies that folder once after the platform stack
 * installed Argo CD (`kubectl apply --server-side -f dist/k8s/<env>/<env>-argocd/`) and again whenever it changes
 * in a pull request. So Argo CD can never prune or rewrite its own Application (a deleted file would otherwise
 * cascade, through the finalizer, into deleting every namespace), and a pull request cannot widen the project's
 * permissions without an administrator applying it.
 *
 * Sync: automated with prune and self-heal; server-side apply, so the Namespaces that Helm releases created are
 * adopted field by field and receive their Pod Security labels without a conflict; prune last, after everything else
 * is healthy; retries with exponential backoff, on the latest revision.
 */
export class ArgoCdChart extends EnvironmentChart {
  /** The AppProject. */
  public readonly project: AppProject;
  /** The root Application. */
  public readonly application: Application;

  constructor(scope: Construct, props: EnvironmentChartProps) {
    super(scope, UNIT, props);
    const { env } = props;
    const name = resourcePrefix(env);

    this.project = new AppProject(this, 'Project', {
      metadata: { name, namespace: NAMESPACES.argocd },
      spec: {
        description: `sql-etl-on-eks ${env.name}: the kit's manifests from ${env.gitops.repoUrl}`,
        sourceRepos: [env.gitops.repoUrl],
        destinations: [...Object.values(NAMESPACES), ...env.teams.map((team) => teamNamespace(team))].map(
          (namespace) => ({ server: IN_CLUSTER_SERVER, namespace }),
        ),
        clusterResourceWhitelist: clusterResourceWhitelist(env),
        namespaceResourceWhitelist: [...NAMESPACE_RESOURCE_WHITELIST],
      },
    });

    this.application = new Application(this, 'Resource', {
      metadata: { name, namespace: NAMESPACES.argocd, finalizers: [RESOURCES_FINALIZER] },
      spec: {
        project: name,
        source: {
          repoUrl: env.gitops.repoUrl,
          targetRevision: env.gitops.revision,
          path: `${DIST_DIR}/${DIST_PATHS.k8sEnvironment(env.name)}`,
          directory: {
            recurse: true,
            // This chart's own folder (see the class comment) and the generated pipelines README.
            exclude: `{README.md,${this.node.id}/*}`,
          },
        },
        // Every kit object names its namespace; this is only the default for one that does not.
        destination: { server: IN_CLUSTER_SERVER, namespace: NAMESPACES.sparkJobs },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
          retry: { ...SYNC_RETRY, backoff: { ...SYNC_RETRY.backoff }, refresh: true },
        },
      },
    });
  }
}
