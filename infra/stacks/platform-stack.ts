import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { Fn, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import {
  CHART_VERSIONS,
  clusterName,
  datalakeBucketName,
  NAMESPACES,
  NOTEBOOK_IMAGES,
  runtimeImage,
  type EnvironmentConfig,
  type NotebookImage,
  type PlatformChart,
} from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import { argoCdValues } from '../constructs/helm-values/argo-cd';
import { argoWorkflowsValues } from '../constructs/helm-values/argo-workflows';
import { fluentBitValues } from '../constructs/helm-values/aws-for-fluent-bit';
import { externalSecretsValues } from '../constructs/helm-values/external-secrets';
import { loadBalancerControllerValues } from '../constructs/helm-values/aws-load-balancer-controller';
import { jupyterhubValues } from '../constructs/helm-values/jupyterhub';
import { karpenterValues } from '../constructs/helm-values/karpenter';
import { sparkOperatorValues } from '../constructs/helm-values/spark-operator';
import { PlatformRelease } from '../constructs/platform-release';
import type { ClusterStack } from './cluster-stack';
import type { DataStack } from './data-stack';
import type { FoundationStack } from './foundation-stack';
import type { IdentityStack } from './identity-stack';
import type { WorkloadsStack } from './workloads-stack';

/** Namespace of each release (NAMESPACES of config/naming.ts). */
export const RELEASE_NAMESPACES: Readonly<Record<PlatformChart, string>> = {
  'aws-load-balancer-controller': NAMESPACES.loadBalancerController,
  karpenter: NAMESPACES.karpenter,
  'spark-operator': NAMESPACES.sparkOperator,
  'argo-workflows': NAMESPACES.argo,
  jupyterhub: NAMESPACES.jupyter,
  'argo-cd': NAMESPACES.argocd,
  'aws-for-fluent-bit': NAMESPACES.fluentBit,
  'external-secrets': NAMESPACES.externalSecrets,
};

/** Props of {@link PlatformStack}. */
export interface PlatformStackProps extends EnvironmentStackProps {
  /** The foundation of the same environment (checked to belong to it). */
  readonly foundation: FoundationStack;
  /** The cluster: API endpoint and CA for the Helm provider, VPC id for the load balancer controller. */
  readonly cluster: ClusterStack;
  /** Workload roles, Pod Identity associations and log groups; they must exist before the operators start. */
  readonly workloads: WorkloadsStack;
  /** Cognito user pool: OIDC issuer and hosted UI of Argo SSO and JupyterHub sign-in, and the UIs' URLs. */
  readonly identity: IdentityStack;
  /** The data lake bucket (Fluent Bit ships Spark logs there). */
  readonly data: DataStack;
  /** Repository root: the notebook images' build contexts (etl/images/) give their pinned tags; read, never written. */
  readonly repoRoot: string;
}

/**
 * The Helm releases of the cluster operators: Argo CD, Karpenter, AWS Load Balancer Controller, Spark Operator,
 * Argo Workflows, JupyterHub, Fluent Bit and the External Secrets Operator, each pinned, in its own namespace, on the system nodes.
 *
 * Namespaces: each release creates its own (`create_namespace`), so an empty cluster installs in one apply; the
 * job namespace, which no chart owns but two need, is created by the Argo CD release before them. The k8s layer's
 * Namespace objects (Pod Security labels) then adopt all of them through Argo CD.
 */
export class PlatformStack extends EnvironmentStack {
  /** The Helm provider, authenticated with `aws eks get-token` (no static credentials). */
  public readonly helm: HelmProvider;
  /** Every release, by chart. */
  public readonly releases: Readonly<Record<PlatformChart, Release>>;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, 'platform', props);
    const { env, cluster, identity, data, workloads } = props;
    checkSameEnvironment(env, props);
    if (data.datalakeBucketName !== datalakeBucketName(env)) {
      throw new Error(
        `${env.name}: the data stack's lake bucket '${data.datalakeBucketName}' is not the one Fluent Bit ships ` +
          `Spark logs to ('${datalakeBucketName(env)}'); pass the data stack of this environment`,
      );
    }
    // Operators must find their Pod Identity associations and log groups in place when they start.
    this.addDependency(workloads);

    const eks = cluster.cluster;
    this.helm = new HelmProvider(this, 'Helm', {
      kubernetes: {
        host: eks.endpoint,
        clusterCaCertificate: Fn.base64decode(eks.certificateAuthority.get(0).data),
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'aws',
          args: [
            'eks',
            'get-token',
            '--cluster-name',
            clusterName(env),
            '--region',
            env.region,
            '--output',
            'json',
          ],
        },
      },
    });

    // The same URLs the Cognito clients' callbacks were registered with (edge stack, applied before identity).
    const uiUrls = identity.uiUrls;
    const release = (
      id: string,
      chart: PlatformChart,
      values: object,
      options: { waitForReady?: boolean; dependsOn?: Release[] } = {},
    ) =>
      new PlatformRelease(this, id, {
        provider: this.helm,
        name: chart,
        chart: CHART_VERSIONS[chart],
        namespace: RELEASE_NAMESPACES[chart],
        values,
        ...options,
      }).release;

    // First: it creates the job namespace the Spark Operator and Argo Workflows need. Its root Application is
    // k8s-layer, so it syncs nothing until then.
    const argoCd = release('ArgoCd', 'argo-cd', argoCdValues(env));
    const karpenter = release('Karpenter', 'karpenter', karpenterValues(env));
    const loadBalancerController = release(
      'LoadBalancerController',
      'aws-load-balancer-controller',
      loadBalancerControllerValues(env, eks.vpcConfig.vpcId),
    );
    const fluentBit = release('FluentBit', 'aws-for-fluent-bit', fluentBitValues(env));
    // Installs the ExternalSecret and ClusterSecretStore CRDs before Argo CD syncs the k8s layer's objects of them,
    // which create the OIDC client Secrets Argo server and the hub read.
    const externalSecrets = release('ExternalSecrets', 'external-secrets', externalSecretsValues(env));
    const sparkOperator = release('SparkOperator', 'spark-operator', sparkOperatorValues(env), {
      dependsOn: [argoCd],
    });
    // Argo server and the hub read Secrets (OIDC clients) and the hub a StorageClass that the k8s layer creates
    // after this stack: waiting for readiness on the first install would time out and roll back.
    const argoWorkflows = release(
      'ArgoWorkflows',
      'argo-workflows',
      argoWorkflowsValues(env, { issuerUrl: identity.issuerUrl, uiUrl: uiUrls.argo }),
      { waitForReady: false, dependsOn: [argoCd] },
    );
    const jupyterhub = release(
      'Jupyterhub',
      'jupyterhub',
      jupyterhubValues(env, {
        hostedUiUrl: identity.hostedUiUrl,
        uiUrl: uiUrls.jupyterhub,
        notebookImages: Object.fromEntries(
          NOTEBOOK_IMAGES.map((image) => [image, runtimeImage(env, image, props.repoRoot)]),
        ) as Record<NotebookImage, string>,
      }),
      { waitForReady: false },
    );

    this.releases = {
      'argo-cd': argoCd,
      karpenter,
      'aws-load-balancer-controller': loadBalancerController,
      'aws-for-fluent-bit': fluentBit,
      'external-secrets': externalSecrets,
      'spark-operator': sparkOperator,
      'argo-workflows': argoWorkflows,
      jupyterhub,
    };

    new TerraformOutput(this, 'HelmReleases', {
      description: 'Chart and version of each platform release, by namespace',
      value: Object.fromEntries(
        (Object.keys(CHART_VERSIONS) as PlatformChart[])
          .sort()
          .map((chart) => [RELEASE_NAMESPACES[chart], `${chart}@${CHART_VERSIONS[chart].version}`]),
      ),
    });
    new TerraformOutput(this, 'UiUrls', {
      description: 'UI URLs the sign-in redirects use',
      value: uiUrls,
    });
  }
}

function checkSameEnvironment(env: EnvironmentConfig, props: PlatformStackProps): void {
  for (const [name, stack] of Object.entries({
    foundation: props.foundation,
    cluster: props.cluster,
    workloads: props.workloads,
    identity: props.identity,
    data: props.data,
  })) {
    if (stack.env.name !== env.name || stack.env.prefix !== env.prefix) {
      throw new Error(
        `platform stack of '${env.prefix}-${env.name}' was given the ${name} stack of ` +
          `'${stack.env.prefix}-${stack.env.name}'; pass the stacks of the same environment`,
      );
    }
  }
}
