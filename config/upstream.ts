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

import { CHART_VERSIONS } from './versions';

const RAW = 'https://raw.githubusercontent.com';
/** The app version (release tag) of a pinned chart, `v`-prefixed as the projects tag their releases. */
const tag = (chart: keyof typeof CHART_VERSIONS): string => {
  const app = CHART_VERSIONS[chart].appVersion;
  return app.startsWith('v') ? app : `v${app}`;
};
const chartVersion = (chart: keyof typeof CHART_VERSIONS): string => CHART_VERSIONS[chart].version;

const sparkOperator = (file: string): UpstreamFile => ({
  path: `crds/spark-operator-${tag('spark-operator')}/${file}`,
  url: `${RAW}/kubeflow/spark-operator/${tag('spark-operator')}/charts/spark-operator-chart/crds/${file}`,
});
const argoWorkflows = (file: string): UpstreamFile => ({
  path: `crds/argo-workflows-${tag('argo-workflows')}/${file}`,
  url: `${RAW}/argoproj/argo-helm/argo-workflows-${chartVersion('argo-workflows')}/charts/argo-workflows/files/crds/full/${file}`,
});
const argoCd = (file: string): UpstreamFile => ({
  path: `crds/argo-cd-${tag('argo-cd')}/${file}`,
  url: `${RAW}/argoproj/argo-cd/${tag('argo-cd')}/manifests/crds/${file}`,
});
// The chart's crds/ entries are symlinks to pkg/apis/crds/; the URL names the target so a download gets the CRD.
const karpenter = (file: string): UpstreamFile => ({
  path: `crds/karpenter-${tag('karpenter')}/${file}`,
  url: `${RAW}/aws/karpenter-provider-aws/${tag('karpenter')}/pkg/apis/crds/${file}`,
});

// One multi-document file with every CRD of the chart (TargetGroupBinding among them), from the chart's source.
const loadBalancerController = (file: string): UpstreamFile => ({
  path: `crds/aws-load-balancer-controller-${tag('aws-load-balancer-controller')}/${file}`,
  url: `${RAW}/aws/aws-load-balancer-controller/${tag('aws-load-balancer-controller')}/helm/aws-load-balancer-controller/crds/${file}`,
});

// config/crds/bases/ of the release tag; the pinned chart installs the same files (installCRDs).
const externalSecrets = (file: string): UpstreamFile => ({
  path: `crds/external-secrets-${tag('external-secrets')}/${file}`,
  url: `${RAW}/external-secrets/external-secrets/${tag('external-secrets')}/config/crds/bases/${file}`,
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
    path: `schemas/jupyterhub-chart-${chartVersion('jupyterhub')}/values.schema.yaml`,
    url: `${RAW}/jupyterhub/zero-to-jupyterhub-k8s/${chartVersion('jupyterhub')}/jupyterhub/values.schema.yaml`,
  },
} as const satisfies Record<string, UpstreamFile>;

/** Every file the cache holds. */
export const UPSTREAM_FILES: readonly UpstreamFile[] = [
  ...Object.values(UPSTREAM_CRDS),
  ...Object.values(UPSTREAM_SCHEMAS),
];

/** The cache directory, relative to the repository root (git-ignored). */
export const UPSTREAM_CACHE_DIR = '.cache/upstream';
