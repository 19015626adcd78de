import {
  APP_VERSIONS,
  ARGO_USER_ID,
  WORKFLOW_RETENTION,
  bucketName,
  NAMESPACES,
  teamNamespace,
  S3_PREFIXES,
  WORKLOADS,
  type EnvironmentConfig,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  systemPlacement,
  type ContainerSecurityContext,
  type PodSecurityContext,
  type Toleration,
  OIDC_CLIENT_SECRETS,
} from '../../../config';
import {
  highAvailability,
  replicasFor,
  resources,
  serviceAccountValues,
  type Resources,
  type ServiceAccountValues,
} from './common';

/** Argo UI SSO callback path (the edge stack registers `<url>/oauth2/callback` with Cognito). */
export const ARGO_SSO_CALLBACK_PATH = '/oauth2/callback';

/** Scopes Argo SSO asks for beyond `openid` (which the server adds itself): the e-mail and the groups claim. */
export const ARGO_SSO_EXTRA_SCOPES: readonly string[] = ['email', 'profile'];

interface ArgoComponent {
  readonly replicas: number;
  readonly pdb: { readonly enabled: boolean; readonly minAvailable?: number };
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
  readonly podSecurityContext: PodSecurityContext;
  readonly securityContext: ContainerSecurityContext;
}

/** What the Argo Workflows values need from other stacks. */
export interface ArgoWorkflowsValuesProps {
  /** OIDC issuer of the Cognito user pool (cross-stack reference). */
  readonly issuerUrl: string;
  /** Base URL of the Argo UI (`https://host`), as Cognito knows it. */
  readonly uiUrl: string;
}

/** The values of argo-workflows 1.0.18 the kit sets (running Argo Workflows {@link APP_VERSIONS}, not v4.0.6). */
export interface ArgoWorkflowsValues {
  /** Common tag of the controller, server and executor images (the chart defaults it to its appVersion). */
  readonly images: { readonly tag: string };
  readonly singleNamespace: false;
  readonly crds: { readonly install: true; readonly keep: true };
  readonly workflow: {
    readonly serviceAccount: { readonly create: false; readonly name: string };
    readonly rbac: { readonly create: false };
  };
  readonly controller: ArgoComponent & {
    readonly workflowNamespaces: readonly string[];
    /**
     * `Strict`: workflows may only reference WorkflowTemplates (reviewed in Git), and each keeps the template spec it
     * stored when it started. `Secure` would error every running workflow whose template Argo CD updates.
     */
    readonly workflowRestrictions: { readonly templateReferencing: 'Strict' | 'Secure' };
    readonly workflowDefaults: {
      readonly spec: {
        readonly serviceAccountName: string;
        readonly ttlStrategy: { readonly secondsAfterSuccess: number; readonly secondsAfterFailure: number };
        readonly podGC: { readonly strategy: 'OnPodSuccess'; readonly deleteDelayDuration: string };
        readonly securityContext: PodSecurityContext;
      };
    };
    readonly metricsConfig: { readonly enabled: true };
    readonly serviceAccount: { readonly create: true; readonly name: string };
  };
  readonly executor: { readonly resources: Resources; readonly securityContext: ContainerSecurityContext };
  readonly server: ArgoComponent & {
    readonly authModes: readonly ['sso'];
    readonly secure: true;
    readonly extraEnv: readonly { readonly name: string; readonly value: string }[];
    readonly serviceAccount: ServiceAccountValues;
    readonly ingress: { readonly enabled: false };
    readonly sso: {
      readonly enabled: true;
      readonly issuer: string;
      readonly clientId: { readonly name: string; readonly key: string };
      readonly clientSecret: { readonly name: string; readonly key: string };
      readonly redirectUrl: string;
      readonly scopes: readonly string[];
      readonly rbac: { readonly enabled: true };
      readonly customGroupClaimName: string;
      readonly sessionExpiry: string;
    };
  };
  readonly useStaticCredentials: false;
  readonly artifactRepository: {
    readonly archiveLogs: true;
    readonly s3: {
      readonly bucket: string;
      readonly endpoint: string;
      readonly region: string;
      readonly insecure: false;
      readonly keyFormat: string;
      readonly useSDKCreds: true;
    };
  };
}

const argoComponent = (env: EnvironmentConfig, res: Resources, readOnlyRoot: boolean): ArgoComponent => ({
  replicas: replicasFor(env),
  pdb: highAvailability(env) ? { enabled: true, minAvailable: 1 } : { enabled: false },
  ...systemPlacement(),
  resources: res,
  podSecurityContext: restrictedPodSecurityContext({ runAsUser: ARGO_USER_ID, runAsGroup: ARGO_USER_ID }),
  securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: readOnlyRoot }),
});

/** Argo's `workflowRestrictions.templateReferencing` (README, "Add a pipeline", states what it means for users). */
export const ARGO_TEMPLATE_REFERENCING = 'Strict';

/**
 * Argo Workflows: controller for the ETL namespace, UI with Cognito SSO only, artifacts and archived logs in the
 * assets bucket through the SDK's credential chain (EKS Pod Identity), no ingress (the k8s layer's ALB ingress).
 */
export function argoWorkflowsValues(
  env: EnvironmentConfig,
  props: ArgoWorkflowsValuesProps,
): ArgoWorkflowsValues {
  const sso = OIDC_CLIENT_SECRETS.argo;
  return {
    images: { tag: APP_VERSIONS['argo-workflows'] },
    singleNamespace: false,
    crds: { install: true, keep: true },
    workflow: {
      serviceAccount: { create: false, name: WORKLOADS.argoWorkflow.serviceAccount },
      rbac: { create: false },
    },
    controller: {
      ...argoComponent(env, resources('200m', '256Mi', '1', '1Gi'), true),
      // The shared job namespace (ad-hoc runs) and every team's.
      workflowNamespaces: [NAMESPACES.sparkJobs, ...env.teams.map(teamNamespace)],
      // Workflows may only run WorkflowTemplates (reviewed in Git), not arbitrary inline pods under the job roles.
      // Strict, not Secure: a running workflow keeps the spec it started with when a sync changes its template
      // (Secure fails it instead), which is what the README promises for a changed job.
      workflowRestrictions: { templateReferencing: ARGO_TEMPLATE_REFERENCING },
      workflowDefaults: {
        spec: {
          serviceAccountName: WORKLOADS.argoWorkflow.serviceAccount,
          ttlStrategy: {
            secondsAfterSuccess: WORKFLOW_RETENTION.afterSuccessSeconds,
            secondsAfterFailure: WORKFLOW_RETENTION.afterFailureSeconds,
          },
          // Succeeded pods go at once (their logs are archived); failed ones stay until the workflow's TTL.
          podGC: { strategy: 'OnPodSuccess', deleteDelayDuration: '60s' },
          securityContext: restrictedPodSecurityContext({
            runAsUser: ARGO_USER_ID,
            runAsGroup: ARGO_USER_ID,
          }),
        },
      },
      metricsConfig: { enabled: true },
      serviceAccount: { create: true, name: 'argo-workflows-controller' },
    },
    executor: {
      resources: resources('50m', '64Mi', '500m', '256Mi'),
      securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: true }),
    },
    server: {
      ...argoComponent(env, resources('100m', '128Mi', '1', '512Mi'), true),
      authModes: ['sso'],
      // TLS from the ALB to the server (self-signed; the ingress uses backend-protocol HTTPS).
      secure: true,
      // SSO RBAC namespace delegation: in a team's namespace the server acts as the team's own accounts (its
      // engineers operate, its members view); every user first matches an account in Argo's namespace to sign in.
      extraEnv: [{ name: 'SSO_DELEGATE_RBAC_TO_NAMESPACE', value: 'true' }],
      serviceAccount: serviceAccountValues(env, WORKLOADS.argoServer),
      ingress: { enabled: false },
      sso: {
        enabled: true,
        issuer: props.issuerUrl,
        clientId: { name: sso.name, key: 'client-id' satisfies keyof typeof sso.keys },
        clientSecret: { name: sso.name, key: 'client-secret' satisfies keyof typeof sso.keys },
        redirectUrl: `${props.uiUrl}${ARGO_SSO_CALLBACK_PATH}`,
        // Extra scopes: the Argo server always requests `openid` itself, so listing it again sends it twice.
        scopes: ARGO_SSO_EXTRA_SCOPES,
        // SSO users act as the service account whose `workflows.argoproj.io/rbac-rule` matches them (k8s layer);
        // without a match they get nothing.
        rbac: { enabled: true },
        customGroupClaimName: 'cognito:groups',
        sessionExpiry: '8h',
      },
    },
    useStaticCredentials: false,
    artifactRepository: {
      archiveLogs: true,
      s3: {
        bucket: bucketName(env, 'assets'),
        endpoint: `s3.${env.region}.amazonaws.com`,
        region: env.region,
        insecure: false,
        keyFormat: `${S3_PREFIXES.argoArtifacts}{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}`,
        // Pod Identity: the SDK's default chain; no static keys, no role ARN.
        useSDKCreds: true,
      },
    },
  };
}
