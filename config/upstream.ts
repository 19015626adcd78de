/**
 * Pinned upstream material: CRDs and the JupyterHub values schema, each at the release tag of the version this kit
 * installs. `make cache` copies them from ../shared/upstream when that mirror is present, else downloads them from
 * `url`. Nothing here is committed; imports/ is generated from them and verify/ reads them from the cache.
 */

/** One pinned upstream file. */
export interface UpstreamFile {
  /** Path below the mirror root and below the cache root, e.g. `crds/spark-operator-v2.5.2/…yaml`. */
  readonly path: string;
  /** Where the file lives upstream at the pinned tag. */
  readonly url: string;
}

const RAW = 'https://raw.githubusercontent.com';

const sparkOperator = (file: string): UpstreamFile => ({
  path: `crds/spark-operator-v2.5.2/${file}`,
  url: `${RAW}/kubeflow/spark-operator/v2.5.2/charts/spark-operator-chart/crds/${file}`,
});
const argoWorkflows = (file: string): UpstreamFile => ({
  path: `crds/argo-workflows-v4.0.6/${file}`,
  url: `${RAW}/argoproj/argo-helm/argo-workflows-1.0.18/charts/argo-workflows/files/crds/full/${file}`,
});
const argoCd = (file: string): UpstreamFile => ({
  path: `crds/argo-cd-v3.4.4/${file}`,
  url: `${RAW}/argoproj/argo-cd/v3.4.4/manifests/crds/${file}`,
});
// The chart's crds/ entries are symlinks to pkg/apis/crds/; the URL names the target so a download gets the CRD.
const karpenter = (file: string): UpstreamFile => ({
  path: `crds/karpenter-v1.14.1/${file}`,
  url: `${RAW}/aws/karpenter-provider-aws/v1.14.1/pkg/apis/crds/${file}`,
});

// One multi-document file with every CRD of the chart (TargetGroupBinding among them), from the chart's source.
const loadBalancerController = (file: string): UpstreamFile => ({
  path: `crds/aws-load-balancer-controller-v3.5.0/${file}`,
  url: `${RAW}/aws/aws-load-balancer-controller/v3.5.0/helm/aws-load-balancer-controller/crds/${file}`,
});

// config/crds/bases/ of the release tag; the chart 2.9.0 installs the same files (installCRDs).
const externalSecrets = (file: string): UpstreamFile => ({
  path: `crds/external-secrets-v2.9.0/${file}`,
  url: `${RAW}/external-secrets/external-secrets/v2.9.0/config/crds/bases/${file}`,
});

/** Every CRD this kit generates bindings for or validates against. */
export const UPSTREAM_CRDS = {
  sparkApplication: sparkOperator('sparkoperator.k8s.io_sparkapplications.yaml'),
  scheduledSparkApplication: sparkOperator('sparkoperator.k8s.io_scheduledsparkapplications.yaml'),
  workflow: argoWorkflows('argoproj.io_workflows.yaml'),
  workflowTemplate: argoWorkflows('argoproj.io_workflowtemplates.yaml'),
  clusterWorkflowTemplate: argoWorkflows('argoproj.io_clusterworkflowtemplates.yaml'),
  cronWorkflow: argoWorkflows('argoproj.io_cronworkflows.yaml'),
  application: argoCd('application-crd.yaml'),
  appProject: argoCd('appproject-crd.yaml'),
  nodePool: karpenter('karpenter.sh_nodepools.yaml'),
  ec2NodeClass: karpenter('karpenter.k8s.aws_ec2nodeclasses.yaml'),
  targetGroupBinding: loadBalancerController('crds.yaml'),
  externalSecret: externalSecrets('external-secrets.io_externalsecrets.yaml'),
  clusterSecretStore: externalSecrets('external-secrets.io_clustersecretstores.yaml'),
} as const satisfies Record<string, UpstreamFile>;

/** JSON Schemas (written as YAML) of Helm chart values. */
export const UPSTREAM_SCHEMAS = {
  jupyterhub: {
    path: 'schemas/jupyterhub-chart-4.4.0/values.schema.yaml',
    url: `${RAW}/jupyterhub/zero-to-jupyterhub-k8s/4.4.0/jupyterhub/values.schema.yaml`,
  },
} as const satisfies Record<string, UpstreamFile>;

/** Every file the cache holds. */
export const UPSTREAM_FILES: readonly UpstreamFile[] = [
  ...Object.values(UPSTREAM_CRDS),
  ...Object.values(UPSTREAM_SCHEMAS),
];

/** The cache directory, relative to the repository root (git-ignored). */
export const UPSTREAM_CACHE_DIR = '.cache/upstream';
