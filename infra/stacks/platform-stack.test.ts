import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  APP_VERSIONS,
  CHART_VERSIONS,
  clusterName,
  datalakeBucketName,
  karpenterQueueName,
  logGroupName,
  NAMESPACES,
  NODE_POOLS,
  parseCidr,
  runtimeImage,
  S3_PREFIXES,
  SYSTEM_NODE_LABEL,
  SYSTEM_NODE_TAINT,
  WORKLOADS,
  type EnvironmentConfig,
  type PlatformChart,
  OIDC_CLIENT_SECRETS,
} from '../../config';
import { checkHelmValues, readCachedUpstream } from '../../verify';
import type { ArgoCdValues } from '../constructs/helm-values/argo-cd';
import { argoWorkflowsValues, type ArgoWorkflowsValues } from '../constructs/helm-values/argo-workflows';
import type { FluentBitValues } from '../constructs/helm-values/aws-for-fluent-bit';
import type { LoadBalancerControllerValues } from '../constructs/helm-values/aws-load-balancer-controller';
import { IRSA_ANNOTATION, type Resources } from '../constructs/helm-values/common';
import type { ExternalSecretsValues } from '../constructs/helm-values/external-secrets';
import type { KarpenterValues } from '../constructs/helm-values/karpenter';
import type { SparkOperatorValues } from '../constructs/helm-values/spark-operator';
import {
  NOTEBOOK_PROFILES,
  profileDisplayName,
  type JupyterhubValues,
} from '../constructs/helm-values/jupyterhub';
import { RELEASE_MAX_HISTORY } from '../constructs/platform-release';
import { DEV, PROD, devWith, synthStack, testApp, type TerraformJson } from '../testing';
import { ClusterStack } from './cluster-stack';
import { DataStack } from './data-stack';
import { EdgeStack } from './edge-stack';
import { FoundationStack } from './foundation-stack';
import { IdentityStack } from './identity-stack';
import { NetworkStack, subnetLayout } from './network-stack';
import { WorkloadsStack } from './workloads-stack';
import { PlatformStack, RELEASE_NAMESPACES } from './platform-stack';

/** The platform stack of an environment, with every stack it needs (of `other`) in the same app. */
function platformOf(env: EnvironmentConfig, other: EnvironmentConfig = env): PlatformStack {
  const app = testApp();
  const foundation = new FoundationStack(app, { env: other });
  const network = new NetworkStack(app, { env: other, foundation });
  const cluster = new ClusterStack(app, {
    env: other,
    foundation,
    network: {
      vpcId: network.vpc.id,
      privateSubnetIds: network.privateSubnets.map((subnet) => subnet.id),
      vpcCidr: other.network.cidr,
    },
  });
  const edge = new EdgeStack(app, {
    env: other,
    foundation,
    network: {
      vpcId: network.vpc.id,
      privateSubnetIds: network.privateSubnets.map((subnet) => subnet.id),
    },
    nodeSecurityGroupId: cluster.cluster.vpcConfig.clusterSecurityGroupId,
  });
  return new PlatformStack(app, {
    env,
    foundation,
    cluster,
    workloads: new WorkloadsStack(app, { env: other, foundation, cluster: cluster.identity }),
    identity: new IdentityStack(app, { env: other, foundation, uiUrls: edge.uiUrls }),
    data: new DataStack(app, { env: other, foundation }),
    repoRoot: REPO_ROOT,
  });
}

const REPO_ROOT = path.resolve(__dirname, '../..');

const synth = (env: EnvironmentConfig) => synthStack(platformOf(env));

/** Terraform name of each chart's release (from its construct id). */
const RELEASE_NAMES: Record<PlatformChart, string> = {
  'argo-cd': 'argo_cd',
  karpenter: 'karpenter',
  'aws-load-balancer-controller': 'load_balancer_controller',
  'aws-for-fluent-bit': 'fluent_bit',
  'spark-operator': 'spark_operator',
  'argo-workflows': 'argo_workflows',
  jupyterhub: 'jupyterhub',
  'external-secrets': 'external_secrets',
};

/** The typed values of each chart (what the values files export). */
interface ValuesByChart {
  'argo-cd': ArgoCdValues;
  karpenter: KarpenterValues;
  'aws-load-balancer-controller': LoadBalancerControllerValues;
  'aws-for-fluent-bit': FluentBitValues;
  'spark-operator': SparkOperatorValues;
  'argo-workflows': ArgoWorkflowsValues;
  jupyterhub: JupyterhubValues;
  'external-secrets': ExternalSecretsValues;
}

function releaseOf(json: TerraformJson, chart: PlatformChart): Record<string, unknown> {
  return json.resource.helm_release[RELEASE_NAMES[chart]];
}

function valuesOf<C extends PlatformChart>(json: TerraformJson, chart: C): ValuesByChart[C] {
  const values = releaseOf(json, chart).values as string[];
  expect(values).toHaveLength(1);
  return parseYaml(values[0]) as ValuesByChart[C];
}

const systemSelector = { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value };
const systemToleration: unknown = expect.arrayContaining([
  {
    key: SYSTEM_NODE_TAINT.key,
    operator: 'Equal',
    value: SYSTEM_NODE_TAINT.value,
    effect: SYSTEM_NODE_TAINT.effect,
  },
]);

describe('PlatformStack', () => {
  const dev = synth(DEV);
  const prod = synth(PROD);
  const { raw, json } = dev;

  test('is named after the environment', () => {
    expect(platformOf(PROD).node.id).toBe('prod-platform');
  });

  test('CHART_VERSIONS equals the pinned versions.json (read through the upstream cache)', () => {
    const pinned = JSON.parse(readCachedUpstream('versions.json')) as {
      charts: Record<string, { repository: string; chart: string; version: string; appVersion: string }>;
    };
    const expected = Object.fromEntries(
      Object.keys(CHART_VERSIONS).map((chart) => {
        const { repository, chart: name, version, appVersion } = pinned.charts[chart];
        return [chart, { repository, chart: name, version, appVersion }];
      }),
    );
    expect(CHART_VERSIONS).toEqual(expected);
  });

  test('Argo CD and Argo Workflows run the app versions of versions.json `apps` through the image tag values', () => {
    const pinned = JSON.parse(readCachedUpstream('versions.json')) as {
      apps: Record<string, { version: string; chart: string }>;
    };
    expect(APP_VERSIONS).toEqual({
      'argo-cd': pinned.apps['argo-cd'].version,
      'argo-workflows': pinned.apps['argo-workflows'].version,
    });
    // The apps run on the pinned charts (the CRDs are unchanged between the tags).
    expect(pinned.apps['argo-cd'].chart).toBe(`argo-cd ${CHART_VERSIONS['argo-cd'].version}`);
    expect(pinned.apps['argo-workflows'].chart).toBe(
      `argo-workflows ${CHART_VERSIONS['argo-workflows'].version}`,
    );
    // The rendered values carry the tags (what Helm hands the chart), not just the constant.
    expect(valuesOf(json, 'argo-cd').global.image.tag).toBe(pinned.apps['argo-cd'].version);
    expect(valuesOf(json, 'argo-workflows').images.tag).toBe(pinned.apps['argo-workflows'].version);
  });

  test.each(Object.keys(CHART_VERSIONS) as PlatformChart[])(
    '%s is pinned, in its own namespace, installed atomically with bounded history',
    (chart) => {
      const { repository, chart: name, version } = CHART_VERSIONS[chart];
      expect(releaseOf(json, chart)).toMatchObject({
        name: chart,
        chart: name,
        repository,
        version,
        namespace: RELEASE_NAMESPACES[chart],
        create_namespace: true,
        cleanup_on_fail: true,
        max_history: RELEASE_MAX_HISTORY,
        timeout: 600,
        provider: 'helm',
      });
      expect(Object.values(NAMESPACES)).toContain(RELEASE_NAMESPACES[chart]);
    },
  );

  test('every release has its own namespace; Karpenter comes from its OCI registry', () => {
    expect(new Set(Object.values(RELEASE_NAMESPACES)).size).toBe(Object.keys(RELEASE_NAMESPACES).length);
    expect(releaseOf(json, 'karpenter').repository).toBe('oci://public.ecr.aws/karpenter');
  });

  test('operators wait for readiness and roll back; UIs that need k8s-layer Secrets do not wait', () => {
    for (const chart of ['argo-cd', 'karpenter', 'aws-load-balancer-controller', 'spark-operator'] as const) {
      expect(releaseOf(json, chart)).toMatchObject({ atomic: true, wait: true, wait_for_jobs: true });
    }
    for (const chart of ['argo-workflows', 'jupyterhub'] as const) {
      expect(releaseOf(json, chart)).toMatchObject({ atomic: false, wait: false });
    }
  });

  test('Argo CD installs first and pre-creates the job namespaces (shared and teams’) the Spark Operator and Argo Workflows need', () => {
    expect(releaseOf(json, 'spark-operator').depends_on).toEqual(['helm_release.argo_cd']);
    expect(releaseOf(json, 'argo-workflows').depends_on).toEqual(['helm_release.argo_cd']);
    expect(releaseOf(json, 'argo-cd').depends_on).toBeUndefined();
    expect(valuesOf(json, 'argo-cd').extraObjects).toEqual(
      [NAMESPACES.sparkJobs, 'team-data-platform', 'team-analytics'].map((name) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, annotations: { 'helm.sh/resource-policy': 'keep' } },
      })),
    );
  });

  test('the Helm provider authenticates with aws eks get-token, never a static credential', () => {
    expect(
      Testing.toHaveProviderWithProperties(raw, HelmProvider.tfResourceType, {
        kubernetes: {
          exec: {
            api_version: 'client.authentication.k8s.io/v1beta1',
            command: 'aws',
            args: [
              'eks',
              'get-token',
              '--cluster-name',
              clusterName(DEV),
              '--region',
              DEV.region,
              '--output',
              'json',
            ],
          },
        },
      }),
    ).toBe(true);
    const kubernetes = (json.provider.helm[0] as { kubernetes: Record<string, unknown> }).kubernetes;
    expect(Object.keys(kubernetes).sort()).toEqual(['cluster_ca_certificate', 'exec', 'host']);
    expect(kubernetes.host).toMatch(/^\$\{.*aws_eks_cluster\.cluster\.endpoint\}$/);
    expect(kubernetes.cluster_ca_certificate).toMatch(/^\$\{base64decode\(.*certificate_authority/);
  });

  test('no literal secret anywhere: secret-like fields are references, Secrets are named, not embedded', () => {
    const leaks: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}[${i}]`));
      else if (node !== null && typeof node === 'object')
        for (const [key, value] of Object.entries(node)) walk(value, `${path}.${key}`);
      else if (
        typeof node === 'string' &&
        /(secret|password|token|private_?key|access_?key)$/i.test(path.split('.').pop() ?? '') &&
        !/^\$\{.+\}$/.test(node)
      )
        leaks.push(`${path}=${node}`);
    };
    for (const [name, release] of Object.entries(json.resource.helm_release)) {
      walk(parseYaml((release.values as string[])[0]), name);
      expect(release).not.toHaveProperty('set_sensitive');
      expect(release).not.toHaveProperty('repository_password');
    }
    walk(json, 'stack');
    expect(leaks).toEqual([]);
    expect(raw).not.toMatch(/AKIA[0-9A-Z]{16}|BEGIN [A-Z ]*PRIVATE KEY|client_secret"\s*:\s*"[^$]/);
  });

  test('chart-created service accounts use the names in WORKLOADS; Pod Identity ones carry no annotation', () => {
    const podIdentity = { create: true, annotations: {} };
    expect(valuesOf(json, 'karpenter').serviceAccount).toEqual({
      ...podIdentity,
      name: WORKLOADS.karpenter.serviceAccount,
    });
    expect(valuesOf(json, 'aws-load-balancer-controller').serviceAccount).toEqual({
      ...podIdentity,
      name: WORKLOADS.loadBalancerController.serviceAccount,
    });
    expect(valuesOf(json, 'aws-for-fluent-bit').serviceAccount).toEqual({
      ...podIdentity,
      name: WORKLOADS.fluentBit.serviceAccount,
    });
    expect(valuesOf(json, 'argo-workflows').server.serviceAccount).toEqual({
      ...podIdentity,
      name: WORKLOADS.argoServer.serviceAccount,
    });
    for (const workload of [WORKLOADS.karpenter, WORKLOADS.loadBalancerController, WORKLOADS.fluentBit]) {
      expect(workload.mechanism).toBe('podIdentity');
      expect(Object.values(RELEASE_NAMESPACES)).toContain(workload.namespace);
    }
    expect(raw).not.toContain(IRSA_ANNOTATION);
  });

  test('kit-created service accounts are referenced, not created: Spark jobs, Argo executor, notebooks (IRSA)', () => {
    expect(valuesOf(json, 'spark-operator').spark.serviceAccount).toEqual({
      create: false,
      name: WORKLOADS.sparkJobRunner.serviceAccount,
    });
    expect(valuesOf(json, 'argo-workflows').workflow).toEqual({
      serviceAccount: { create: false, name: WORKLOADS.argoWorkflow.serviceAccount },
      rbac: { create: false },
    });
    // The read-only account by default; the hub's pre-spawn hook switches writers to jupyter-singleuser.
    expect(valuesOf(json, 'jupyterhub').singleuser.serviceAccountName).toBe(
      WORKLOADS.jupyterReadOnly.serviceAccount,
    );
    expect(WORKLOADS.jupyterSingleUser).toMatchObject({ mechanism: 'irsa', createdBy: 'kit' });
    expect(WORKLOADS.jupyterReadOnly).toMatchObject({ mechanism: 'irsa', createdBy: 'kit' });
  });

  test('controllers run on the system node group', () => {
    const placed = (values: { nodeSelector: unknown; tolerations: unknown }) => {
      expect(values.nodeSelector).toEqual(systemSelector);
      expect(values.tolerations).toEqual(systemToleration);
    };
    placed(valuesOf(json, 'karpenter'));
    placed(valuesOf(json, 'aws-load-balancer-controller'));
    placed(valuesOf(json, 'spark-operator').controller);
    placed(valuesOf(json, 'spark-operator').webhook);
    placed(valuesOf(json, 'argo-workflows').controller);
    placed(valuesOf(json, 'argo-workflows').server);
    placed(valuesOf(json, 'argo-cd').global);
    const hub = valuesOf(json, 'jupyterhub');
    expect(hub.hub.nodeSelector).toEqual(systemSelector);
    expect(hub.proxy.chp.nodeSelector).toEqual(systemSelector);
    expect(hub.scheduling.corePods.tolerations).toEqual(systemToleration);
  });

  test('Fluent Bit runs on every node (tolerates any taint) but drops all capabilities and escalation', () => {
    const values = valuesOf(json, 'aws-for-fluent-bit');
    expect(values.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(values.containerSecurityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(values.podSecurityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('controller containers meet the restricted Pod Security Standard', () => {
    const restricted = {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    const operator = valuesOf(json, 'spark-operator');
    const argo = valuesOf(json, 'argo-workflows');
    for (const context of [
      operator.controller.securityContext,
      operator.webhook.securityContext,
      argo.controller.securityContext,
      argo.server.securityContext,
      argo.executor.securityContext,
      valuesOf(json, 'aws-load-balancer-controller').securityContext,
      valuesOf(json, 'jupyterhub').hub.containerSecurityContext,
      valuesOf(json, 'jupyterhub').proxy.chp.containerSecurityContext,
      valuesOf(json, 'jupyterhub').hub.config.KubeSpawner.container_security_context,
    ]) {
      expect(context).toMatchObject(restricted);
    }
    expect(valuesOf(json, 'karpenter').podSecurityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('every controller has resource requests and limits', () => {
    const sized = (values: { resources: Resources }) => {
      for (const quantities of [values.resources.requests, values.resources.limits]) {
        expect(quantities.cpu).toMatch(/^\d+m?$/);
        expect(quantities.memory).toMatch(/^\d+(Mi|Gi)$/);
      }
    };
    sized(valuesOf(json, 'karpenter').controller);
    sized(valuesOf(json, 'aws-load-balancer-controller'));
    sized(valuesOf(json, 'aws-for-fluent-bit'));
    sized(valuesOf(json, 'spark-operator').controller);
    sized(valuesOf(json, 'spark-operator').webhook);
    sized(valuesOf(json, 'argo-workflows').controller);
    sized(valuesOf(json, 'argo-workflows').server);
    sized(valuesOf(json, 'argo-cd').repoServer);
    sized(valuesOf(json, 'argo-cd').server);
    sized(valuesOf(json, 'jupyterhub').hub);
  });

  test('prod (3 AZs) runs web-facing and webhook components twice with disruption budgets; dev (2 AZs) once', () => {
    const ha = (j: TerraformJson) => ({
      lb: [
        valuesOf(j, 'aws-load-balancer-controller').replicaCount,
        valuesOf(j, 'aws-load-balancer-controller').podDisruptionBudget,
      ],
      webhook: [
        valuesOf(j, 'spark-operator').webhook.replicas,
        valuesOf(j, 'spark-operator').webhook.podDisruptionBudget.enable,
      ],
      argoServer: [
        valuesOf(j, 'argo-workflows').server.replicas,
        valuesOf(j, 'argo-workflows').server.pdb.enabled,
      ],
      argoCdServer: [valuesOf(j, 'argo-cd').server.replicas, valuesOf(j, 'argo-cd').server.pdb.enabled],
      repoServer: [valuesOf(j, 'argo-cd').repoServer.replicas, valuesOf(j, 'argo-cd').repoServer.pdb.enabled],
      karpenter: valuesOf(j, 'karpenter').replicas,
    });
    expect(ha(prod.json)).toEqual({
      lb: [2, { maxUnavailable: 1 }],
      webhook: [2, true],
      argoServer: [2, true],
      argoCdServer: [2, true],
      repoServer: [2, true],
      karpenter: 2,
    });
    expect(ha(json)).toEqual({
      lb: [1, undefined],
      webhook: [1, false],
      argoServer: [1, false],
      argoCdServer: [1, false],
      repoServer: [1, false],
      karpenter: 1,
    });
  });

  test('Spark Operator: job namespace only, webhook and metrics on, 20 workers, no chart-made job RBAC', () => {
    const values = valuesOf(json, 'spark-operator');
    expect(values.spark).toEqual({
      jobNamespaces: [NAMESPACES.sparkJobs, 'team-data-platform', 'team-analytics'],
      serviceAccount: { create: false, name: WORKLOADS.sparkJobRunner.serviceAccount },
      rbac: { create: false },
    });
    expect(values.webhook).toMatchObject({ enable: true, failurePolicy: 'Fail' });
    expect(values.prometheus.metrics).toMatchObject({ enable: true });
    expect(values.controller).toMatchObject({
      workers: 20,
      maxTrackedExecutorPerApp: 1000,
      workqueueRateLimiter: { bucketQPS: 50, bucketSize: 500 },
      batchScheduler: { enable: false },
    });
  });

  test('Argo Workflows: SSO only against the Cognito issuer, client from the synced Secret', () => {
    const { server } = valuesOf(json, 'argo-workflows');
    expect(server.authModes).toEqual(['sso']);
    expect(server.ingress).toEqual({ enabled: false });
    expect(server.sso).toMatchObject({
      enabled: true,
      clientId: { name: OIDC_CLIENT_SECRETS.argo.name, key: 'client-id' },
      clientSecret: { name: OIDC_CLIENT_SECRETS.argo.name, key: 'client-secret' },
      rbac: { enabled: true },
    });
    // The edge stack's distribution (a cross-stack reference once synthesized).
    expect(server.sso.redirectUrl).toMatch(
      /^https:\/\/\$\{.*aws_cloudfront_distribution[._]argo[._]domain_name\}\/oauth2\/callback$/,
    );
    // The Argo server adds `openid` to the configured scopes itself (server/auth/sso): listing it sends it twice.
    const requested = ['openid', ...server.sso.scopes];
    expect(requested).toEqual(['openid', 'email', 'profile']);
    expect(new Set(requested).size).toBe(requested.length);
    expect(server.sso.issuer).toMatch(/^https:\/\/\$\{.*aws_cognito_user_pool\.user_pool\.endpoint\}$/);
    expect(Object.keys(OIDC_CLIENT_SECRETS.argo.keys)).toEqual(['client-id', 'client-secret']);
  });

  test('Argo Workflows: job namespace, defaults with TTL and pod GC, S3 artifacts through Pod Identity', () => {
    const values = valuesOf(json, 'argo-workflows');
    expect(values.controller.workflowNamespaces).toEqual([
      NAMESPACES.sparkJobs,
      'team-data-platform',
      'team-analytics',
    ]);
    // Only reviewed WorkflowTemplates run under the job roles, and a running workflow keeps its stored spec.
    expect(values.controller.workflowRestrictions).toEqual({ templateReferencing: 'Strict' });
    expect(values.controller.workflowDefaults.spec).toMatchObject({
      serviceAccountName: WORKLOADS.argoWorkflow.serviceAccount,
      ttlStrategy: { secondsAfterSuccess: 86400, secondsAfterFailure: 604800 },
      podGC: { strategy: 'OnPodSuccess' },
    });
    expect(values.useStaticCredentials).toBe(false);
    expect(values.artifactRepository.s3).toEqual({
      bucket: 'sqletl-dev-assets-111122223333-us-east-1',
      endpoint: 's3.us-east-1.amazonaws.com',
      region: 'us-east-1',
      insecure: false,
      keyFormat: `${S3_PREFIXES.argoArtifacts}{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}`,
      useSDKCreds: true,
    });
  });

  test('UI URLs come from the custom domain when configured', () => {
    const { json: custom } = synth(
      devWith({ edge: { customDomain: { domainName: 'data.example.com', hostedZoneId: 'Z0123456789ABC' } } }),
    );
    expect(valuesOf(custom, 'argo-workflows').server.sso.redirectUrl).toBe(
      'https://argo.data.example.com/oauth2/callback',
    );
    expect(valuesOf(custom, 'jupyterhub').hub.config.GenericOAuthenticator.oauth_callback_url).toBe(
      'https://jupyter.data.example.com/hub/oauth_callback',
    );
  });

  test("without a custom domain the UI URLs are the edge stack's, applied before (no placeholder, no second apply)", () => {
    const stack = platformOf(DEV);
    stack.prepareStack();
    const prepared = synthStack(stack).json;
    expect(prepared.data!.terraform_remote_state.edge_state).toBeUndefined();
    const edge = prepared.data!.terraform_remote_state.cross_stack_reference_input_dev_edge;
    expect(edge).toMatchObject({
      backend: 's3',
      config: { bucket: DEV.state.bucket, key: 'sql-etl-on-eks/dev/dev-edge.tfstate' },
    });
    expect(edge).not.toHaveProperty('defaults');
  });

  describe('JupyterHub', () => {
    const values = valuesOf(json, 'jupyterhub');

    test('signs in with Cognito through GenericOAuthenticator; client id and secret from the synced Secret', () => {
      const hosted = `https://sqletl-dev-111122223333.auth.us-east-1.amazoncognito.com`;
      expect(values.hub.config.JupyterHub).toEqual({ authenticator_class: 'generic-oauth' });
      expect(values.hub.config.GenericOAuthenticator).toMatchObject({
        authorize_url: `${hosted}/oauth2/authorize`,
        token_url: `${hosted}/oauth2/token`,
        userdata_from_id_token: true,
        username_claim: 'email',
        admin_users: [],
      });
      expect(values.hub.config.GenericOAuthenticator.oauth_callback_url).toMatch(
        /^https:\/\/\$\{.*aws_cloudfront_distribution[._]jupyterhub[._]domain_name\}\/hub\/oauth_callback$/,
      );
      const ref = (key: string) => ({
        valueFrom: { secretKeyRef: { name: OIDC_CLIENT_SECRETS.jupyterhub.name, key } },
      });
      expect(values.hub.extraEnv).toEqual({
        OAUTH_CLIENT_ID: ref('client-id'),
        OAUTH_CLIENT_SECRET: ref('client-secret'),
      });
    });

    test('culls idle servers after an hour and keeps the users', () => {
      expect(values.cull).toMatchObject({ enabled: true, timeout: 3600, users: false });
    });

    test('keeps the hub database and 10Gi homes on gp3 volumes', () => {
      expect(values.hub.db).toEqual({ type: 'sqlite-pvc', pvc: { storageClassName: 'gp3', storage: '1Gi' } });
      expect(values.singleuser.storage).toEqual({
        type: 'dynamic',
        capacity: '10Gi',
        dynamic: { storageClass: 'gp3' },
      });
    });

    test('profiles: Arc and PySpark, pinned images, sizes matching their display names', () => {
      const profiles = values.singleuser.profileList;
      expect(profiles.map((p) => p.slug)).toEqual(['arc', 'pyspark']);
      for (const profile of profiles) {
        const o = profile.kubespawner_override;
        expect(profile.display_name).toContain(`${o.cpu_limit} CPU, ${parseInt(o.mem_limit, 10)} GiB`);
        expect(o.cpu_guarantee).toBe(o.cpu_limit);
        expect(o.mem_guarantee).toBe(o.mem_limit);
        expect(o.image).toMatch(/^[\w.-]+\/[\w./-]+:[\w.-]+$/);
        expect(o.image).not.toMatch(/:latest$/);
      }
      // The kit's notebook images in the environment's ECR, pinned to their content versions: each runs a Jupyter
      // server (the runtime images do not).
      expect(profiles.map((p) => p.kubespawner_override.image)).toEqual([
        runtimeImage(DEV, 'arc-notebook', REPO_ROOT),
        runtimeImage(DEV, 'pyspark-notebook', REPO_ROOT),
      ]);
      expect(profiles[0].kubespawner_override.image).toMatch(
        /^111122223333\.dkr\.ecr\.us-east-1\.amazonaws\.com\/sqletl-dev\/arc-notebook:[0-9a-f]{16}$/,
      );
      // Arc's image is amd64 only: its profile selects amd64 notebook nodes; PySpark runs on either.
      expect(profiles[0].kubespawner_override.node_selector).toEqual({
        [NODE_POOLS.notebooks.label.key]: NODE_POOLS.notebooks.label.value,
        'kubernetes.io/arch': 'amd64',
      });
      expect(profiles[1].kubespawner_override.node_selector).toBeUndefined();
      expect(profiles.map((p) => p.display_name)).toEqual(NOTEBOOK_PROFILES.map(profileDisplayName));
    });

    test('user pods: notebooks NodePool, network policy, no Kubernetes token, ClusterIP proxy, no ingress', () => {
      const pool = NODE_POOLS.notebooks;
      expect(values.singleuser.nodeSelector).toEqual({ [pool.label.key]: pool.label.value });
      expect(values.scheduling.userPods.tolerations).toEqual([
        { key: pool.taint.key, operator: 'Equal', value: pool.taint.value, effect: pool.taint.effect },
      ]);
      expect(values.singleuser.networkPolicy.enabled).toBe(true);
      expect(values.hub.config.KubeSpawner.automount_service_account_token).toBe(false);
      expect(values.proxy.service).toEqual({ type: 'ClusterIP' });
      expect(values.ingress).toEqual({ enabled: false });
    });

    test('notebook pods need no privileged init container: the chart default blockWithIptables is turned off', () => {
      // z2jh 4.4.0 defaults it to true, which adds a root, privileged (NET_ADMIN) init container to every notebook
      // pod; Pod Security baseline (the jupyter namespace's level) rejects such a pod.
      expect(values.singleuser.cloudMetadata.blockWithIptables).toBe(false);
      // The NetworkPolicy still denies the metadata server: the kit leaves the chart's egressAllowRules alone.
      expect(values.singleuser.networkPolicy).not.toHaveProperty('egressAllowRules');
    });

    test('the notebook NetworkPolicy admits HTTPS to every interface endpoint subnet of the VPC', () => {
      // Endpoints sit in the private subnets (network stack); the chart's default egress denies private addresses.
      const { private: privateSubnets } = subnetLayout(DEV.network.cidr, DEV.network.azCount);
      const allowed = values.singleuser.networkPolicy.egress.filter((rule) =>
        rule.ports.some((port) => port.port === 443 && port.protocol === 'TCP'),
      );
      const inside = (subnet: string, cidr: string) => {
        const [s, c] = [parseCidr(subnet)!, parseCidr(cidr)!];
        return (
          c.prefix <= s.prefix &&
          Math.floor(s.address / 2 ** (32 - c.prefix)) === Math.floor(c.address / 2 ** (32 - c.prefix))
        );
      };
      for (const subnet of privateSubnets) {
        expect(allowed.some((rule) => rule.to.some((peer) => inside(subnet, peer.ipBlock.cidr)))).toBe(true);
      }
      // Nothing wider than the VPC, nothing but HTTPS.
      expect(values.singleuser.networkPolicy.egress).toEqual([
        { to: [{ ipBlock: { cidr: DEV.network.cidr } }], ports: [{ port: 443, protocol: 'TCP' }] },
      ]);
    });

    test('values validate against the z2jh 4.4.0 values schema', () => {
      const schema = parseYaml(
        readCachedUpstream('schemas/jupyterhub-chart-4.4.0/values.schema.yaml'),
      ) as Record<string, unknown>;
      delete schema.$schema;
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      // The schema's `required` lists describe values merged with the chart defaults, so only types, enums and
      // unknown keys are checked here (as verify/ does).
      const validate = ajv.compile(stripRequired(schema) as object);
      expect(validate(values) ? [] : validate.errors).toEqual([]);
      const misspelt = { ...values, cull: { ...values.cull, timeOut: 10 } };
      expect(validate(misspelt)).toBe(false);
    });

    test('verify/helm-values finds no problem in the stack', () => {
      expect(checkHelmValues(json)).toEqual([]);
      expect(checkHelmValues(prod.json)).toEqual([]);
    });
  });

  test('Karpenter: cluster name and interruption queue from config', () => {
    expect(valuesOf(json, 'karpenter').settings).toEqual({
      clusterName: clusterName(DEV),
      interruptionQueue: karpenterQueueName(DEV),
    });
  });

  test('Load balancer controller: cluster, region and the VPC id from the cluster', () => {
    const values = valuesOf(json, 'aws-load-balancer-controller');
    expect(values).toMatchObject({ clusterName: clusterName(DEV), region: DEV.region });
    expect(values.vpcId).toMatch(/^\$\{.*aws_eks_cluster\.cluster\.vpc_config\[0\]\.vpc_id\}$/);
  });

  test('Argo CD: TLS server, no Dex, no exec', () => {
    const values = valuesOf(json, 'argo-cd');
    expect(values.configs.params['server.insecure']).toBe(false);
    expect(values.dex).toEqual({ enabled: false });
    expect(values.configs.cm['exec.enabled']).toBe(false);
  });

  test('Fluent Bit: containers log group (not created by the agent), Spark logs to S3 under spark-logs/', () => {
    const values = valuesOf(json, 'aws-for-fluent-bit');
    expect(values.cloudWatchLogs).toMatchObject({
      enabled: true,
      region: DEV.region,
      logGroupName: logGroupName(DEV, 'containers'),
      autoCreateGroup: false,
    });
    expect(values.s3).toMatchObject({
      enabled: true,
      match: 'spark.*',
      bucket: datalakeBucketName(DEV),
      region: DEV.region,
      s3KeyFormat: `/${S3_PREFIXES.sparkLogs}%Y/%m/%d/$TAG/%H%M%S-$UUID.gz`,
      jsonDateKey: 'time',
      jsonDateFormat: 'iso8601',
    });
    expect(values.additionalOutputs).toContain(`log_group_name ${logGroupName(DEV, 'spark')}`);
    expect(values.additionalOutputs).toContain('auto_create_group false');
  });

  test('synthesizes identically twice', () => {
    expect(synth(DEV).raw).toBe(raw);
  });

  test('fails when two replicas with disruption budgets would not fit on the system nodes', () => {
    const tight = devWith({
      network: { cidr: '10.20.0.0/16', azCount: 3 },
      eks: { systemNodes: { minSize: 1, desiredSize: 1 } },
    });
    expect(() => platformOf(tight)).toThrow(
      /config\/environments\/dev\.ts: eks\.systemNodes\.minSize is 1, but the platform's pods request \d+m CPU and \d+ MiB, which need 4 × m7g\.large \(one of them spare, the environment being highly available\); set minSize to 4 or more/,
    );
  });

  test('fails when given the stacks of another environment', () => {
    expect(() => platformOf(PROD, DEV)).toThrow(
      /platform stack of 'sqletl-prod' was given the foundation stack/,
    );
  });

  test('matches the snapshot', () => {
    expect(Testing.toHaveResource(raw, Release.tfResourceType)).toBe(true);
    expect(json).toMatchSnapshot();
  });
});

function stripRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripRequired);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([key, value]) => !(key === 'required' && Array.isArray(value)))
      .map(([key, value]) => [key, stripRequired(value)]),
  );
}

describe('README promises about Argo Workflows hold for the rendered values', () => {
  test('"a running workflow keeps the version it started with": templateReferencing is not Secure, and is named', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('a running workflow keeps the version it started with');
    for (const env of [DEV, PROD]) {
      const values = argoWorkflowsValues(env, {
        issuerUrl: 'https://issuer.invalid',
        uiUrl: 'https://ui.invalid',
      });
      const mode = values.controller.workflowRestrictions.templateReferencing;
      // Secure compares the template on every operation and errors the workflow when Argo CD changed it.
      expect(mode).not.toBe('Secure');
      expect(readme).toContain(`\`templateReferencing: ${mode}\``);
    }
  });
});
