import { stackName } from './dist-layout';
import type { EnvironmentConfig } from './environment';

/**
 * Pure naming functions shared by infra/ (which creates the resources) and k8s/ (which refers to them).
 * Nothing here may depend on deployed state: names are computed from the config alone.
 */

type NamingInput = Pick<EnvironmentConfig, 'name' | 'prefix' | 'account' | 'region'>;

/** `<prefix>-<env>`, the stem of every regional physical name. */
export function resourcePrefix(env: Pick<EnvironmentConfig, 'name' | 'prefix'>): string {
  return `${env.prefix}-${env.name}`;
}

/** AWS partition of the environment's region. */
export function partition(env: Pick<EnvironmentConfig, 'region'>): string {
  return env.region.includes('-gov-') ? 'aws-us-gov' : 'aws';
}

function checkLength(kind: string, name: string, max: number): string {
  if (name.length > max) {
    throw new Error(
      `${kind} name '${name}' has ${name.length} characters; AWS allows ${max}. Shorten prefix or name.`,
    );
  }
  return name;
}

/** What a bucket holds; part of its name. */
export type BucketPurpose = 'assets' | 'datalake' | 'athena-results' | 'logs';

/**
 * Globally unique S3 bucket name: `<prefix>-<env>-<purpose>-<account>-<region>`. Account and region make it unique
 * across deployments; the prefix keeps several deployments in one account apart.
 */
export function bucketName(env: NamingInput, purpose: BucketPurpose): string {
  return checkLength('S3 bucket', `${resourcePrefix(env)}-${purpose}-${env.account}-${env.region}`, 63);
}

/** `arn:<partition>:s3:::<bucket>` */
export function bucketArn(env: NamingInput, purpose: BucketPurpose): string {
  return `arn:${partition(env)}:s3:::${bucketName(env, purpose)}`;
}

/**
 * IAM role name: `<prefix>-<env>-<region>-<role>`. IAM is global to the account, so the region is part of the name:
 * the same environment deployed to two regions gets two roles.
 */
export function roleName(env: NamingInput, role: string): string {
  return checkLength('IAM role', `${resourcePrefix(env)}-${env.region}-${role}`, 64);
}

/** ARN of a role named by {@link roleName}. */
export function roleArn(env: NamingInput, role: string): string {
  return `arn:${partition(env)}:iam::${env.account}:role/${roleName(env, role)}`;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`: a resource of this environment's account and region. */
export function regionalArn(env: NamingInput, service: string, resource: string): string {
  return `arn:${partition(env)}:${service}:${env.region}:${env.account}:${resource}`;
}

/** ARN of a CloudWatch Logs log group named by {@link logGroupName} (the form IAM matches for CreateLogStream). */
export function logGroupArn(env: NamingInput, purpose: string): string {
  return regionalArn(env, 'logs', `log-group:${logGroupName(env, purpose)}`);
}

/**
 * The project key by its alias ARN. The key's own ARN holds a random id that only Terraform state knows; APIs that
 * take a key id (EC2 CreateVolume among them) also accept this form.
 */
export function kmsAliasArn(env: NamingInput): string {
  return regionalArn(env, 'kms', kmsAliasName(env));
}

/** KMS alias of the environment's customer-managed key (aliases are regional). */
export function kmsAliasName(env: NamingInput): string {
  return `alias/${resourcePrefix(env)}`;
}

/** S3 key of a stack's Terraform state. */
export function stateKey(env: Pick<EnvironmentConfig, 'name' | 'state'>, unit: string): string {
  return `${env.state.keyPrefix}/${stackName(env, unit)}.tfstate`;
}

/** The Kubernetes namespaces the platform uses; each platform component has its own. */
export const NAMESPACES = {
  /** Where SparkApplications, their pods and the pipelines' workflows run. */
  sparkJobs: 'spark-jobs',
  /** Argo Workflows controller and server. */
  argo: 'argo',
  /** JupyterHub and the single-user servers. */
  jupyter: 'jupyter',
  /** The Spark Operator controller and webhook. */
  sparkOperator: 'spark-operator',
  /** The Spark History Server. */
  sparkHistory: 'spark-history',
  /** Argo CD. */
  argocd: 'argocd',
  /** Karpenter controller. */
  karpenter: 'karpenter',
  /** AWS Load Balancer Controller. */
  loadBalancerController: 'aws-load-balancer-controller',
  /** Fluent Bit log shipping (DaemonSet). */
  fluentBit: 'fluent-bit',
  /** External Secrets Operator (syncs Secrets Manager into Kubernetes Secrets). */
  externalSecrets: 'external-secrets',
} as const;

/** How a workload's pods get AWS credentials. */
export type IdentityMechanism = 'irsa' | 'podIdentity';

/** A Kubernetes service account bound to an IAM role. */
export interface WorkloadIdentity {
  /** Short role suffix, passed to {@link roleName}. */
  readonly role: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /**
   * IRSA (web identity through the cluster's OIDC provider, the service account carries the role ARN) or EKS Pod
   * Identity (an association created by infra, no annotation).
   */
  readonly mechanism: IdentityMechanism;
  /** Who creates the service account: the kit's own manifests, a Helm chart's values, or an EKS add-on. */
  readonly createdBy: 'kit' | 'helm' | 'addon';
}

/**
 * Every workload identity. infra creates one role each, trusted by exactly this namespace:serviceaccount, and for
 * Pod Identity the association; k8s creates (or configures the chart to create) the service account.
 */
export const WORKLOADS = {
  /** Spark drivers and executors of the ETL jobs (Arc, SQL, PySpark). IRSA: Arc's bundled AWS SDK predates Pod Identity. */
  sparkJobRunner: {
    role: 'spark-job-runner',
    namespace: NAMESPACES.sparkJobs,
    serviceAccount: 'spark-job-runner',
    mechanism: 'irsa',
    createdBy: 'kit',
  },
  /** Argo workflow pods (executor): artifacts and logs in the assets bucket. */
  argoWorkflow: {
    role: 'argo-workflow',
    namespace: NAMESPACES.sparkJobs,
    serviceAccount: 'argo-workflow',
    mechanism: 'podIdentity',
    createdBy: 'kit',
  },
  /** Argo server: reads workflow artifacts and archived logs for the UI. */
  argoServer: {
    role: 'argo-server',
    namespace: NAMESPACES.argo,
    serviceAccount: 'argo-server',
    mechanism: 'podIdentity',
    createdBy: 'helm',
  },
  /**
   * JupyterHub single-user servers of users in SSO_GROUPS.admins or SSO_GROUPS.engineers: what an ETL job may do.
   * IRSA because the Arc kernel image carries Arc's old AWS SDK.
   */
  jupyterSingleUser: {
    role: 'jupyter-singleuser',
    namespace: NAMESPACES.jupyter,
    serviceAccount: 'jupyter-singleuser',
    mechanism: 'irsa',
    createdBy: 'kit',
  },
  /**
   * JupyterHub single-user servers of users in none of the writing groups (SSO_GROUPS.viewers): read-only data
   * lake, catalog and job files, Athena queries. The hub picks this account unless the user's Cognito groups include
   * SSO_GROUPS.admins or SSO_GROUPS.engineers (then {@link WORKLOADS.jupyterSingleUser}). IRSA, like the writers'.
   */
  jupyterReadOnly: {
    role: 'jupyter-readonly',
    namespace: NAMESPACES.jupyter,
    serviceAccount: 'jupyter-singleuser-readonly',
    mechanism: 'irsa',
    createdBy: 'kit',
  },
  /** Spark History Server: reads event logs. */
  sparkHistoryServer: {
    role: 'spark-history',
    namespace: NAMESPACES.sparkHistory,
    serviceAccount: 'spark-history-server',
    mechanism: 'podIdentity',
    createdBy: 'kit',
  },
  /** Fluent Bit: writes container logs to CloudWatch Logs and Spark logs to S3. */
  fluentBit: {
    role: 'fluent-bit',
    namespace: NAMESPACES.fluentBit,
    serviceAccount: 'fluent-bit',
    mechanism: 'podIdentity',
    createdBy: 'helm',
  },
  /** AWS Load Balancer Controller. */
  loadBalancerController: {
    role: 'aws-lb-controller',
    namespace: NAMESPACES.loadBalancerController,
    serviceAccount: 'aws-load-balancer-controller',
    mechanism: 'podIdentity',
    createdBy: 'helm',
  },
  /** Karpenter controller. */
  karpenter: {
    role: 'karpenter',
    namespace: NAMESPACES.karpenter,
    serviceAccount: 'karpenter',
    mechanism: 'podIdentity',
    createdBy: 'helm',
  },
  /** External Secrets Operator: reads this environment's secrets in Secrets Manager. */
  externalSecrets: {
    role: 'external-secrets',
    namespace: NAMESPACES.externalSecrets,
    serviceAccount: 'external-secrets',
    mechanism: 'podIdentity',
    // The operator's chart (platform stack) creates it under this name; the association binds the role to it.
    createdBy: 'helm',
  },
  /** The EBS CSI driver (EKS add-on) controller. */
  ebsCsiDriver: {
    role: 'ebs-csi-driver',
    namespace: 'kube-system',
    serviceAccount: 'ebs-csi-controller-sa',
    mechanism: 'podIdentity',
    createdBy: 'addon',
  },
} as const satisfies Record<string, WorkloadIdentity>;

/** The `sub` claim an IRSA trust policy must match for a workload. */
export function irsaSubject(workload: WorkloadIdentity): string {
  return `system:serviceaccount:${workload.namespace}:${workload.serviceAccount}`;
}

/** Role suffix (for {@link roleName}) of the nodes Karpenter launches; the EC2NodeClass names this role. */
export const KARPENTER_NODE_ROLE = 'karpenter-node';

/**
 * Tag Karpenter's EC2NodeClass selects subnets and security groups by: infra puts it, with {@link
 * karpenterDiscoveryValue} as value, on the private subnets and on the cluster security group.
 */
export const KARPENTER_DISCOVERY_TAG = 'karpenter.sh/discovery';

/** Value of {@link KARPENTER_DISCOVERY_TAG}: the cluster name, so two clusters in one VPC never share nodes' subnets. */
export function karpenterDiscoveryValue(env: Pick<EnvironmentConfig, 'name' | 'prefix'>): string {
  return clusterName(env);
}

/** SQS queue Karpenter reads EC2 interruption events from (Helm `settings.interruptionQueue`). */
export function karpenterQueueName(env: Pick<EnvironmentConfig, 'name' | 'prefix'>): string {
  return `${resourcePrefix(env)}-karpenter`;
}

/** ARN of {@link karpenterQueueName}. */
export function karpenterQueueArn(env: NamingInput): string {
  return regionalArn(env, 'sqs', karpenterQueueName(env));
}

/**
 * Cognito groups the web UIs map to access levels (the identity stack creates them; Argo's SSO RBAC selects on
 * them through the ID token's `cognito:groups` claim). A user in none of them gets no access.
 */
export const SSO_GROUPS = {
  /** Operate every workflow: submit, stop, retry, delete; suspend and resume schedules. */
  admins: 'platform-admins',
  /** Submit workflows (the ad-hoc `spark-submit` template, pipeline runs) and stop or retry them. */
  engineers: 'data-engineers',
  /** Read workflows, templates, schedules and logs. */
  viewers: 'data-viewers',
} as const;

/** EKS cluster name: `<prefix>-<env>`. */
export function clusterName(env: Pick<EnvironmentConfig, 'name' | 'prefix'>): string {
  return resourcePrefix(env);
}

/** Glue database of the ETL tables (config override, else `<prefix>_<env>`). */
export function glueDatabaseName(env: Pick<EnvironmentConfig, 'name' | 'prefix' | 'data'>): string {
  return env.data.glueDatabase ?? `${env.prefix}_${env.name}`;
}

/** Athena workgroup of the environment. */
export function athenaWorkgroupName(env: Pick<EnvironmentConfig, 'name' | 'prefix'>): string {
  return `${resourcePrefix(env)}-etl`;
}

/** Bucket holding the data lake: the configured existing bucket, or the one the kit creates. */
export function datalakeBucketName(env: NamingInput & Pick<EnvironmentConfig, 'data'>): string {
  return env.data.existingDatalakeBucket ?? bucketName(env, 'datalake');
}

/**
 * Well-known S3 prefixes. Job outputs live in the data lake bucket; the assets bucket holds only uploaded job files,
 * runners and image sources, so an output path can never overwrite a job.
 */
export const S3_PREFIXES = {
  /** Assets bucket: content-addressed ETL job files and runners. */
  jobAssets: 'jobs/',
  /** Assets bucket: source archives the image pipeline builds from. */
  imageSources: 'image-sources/',
  /** Assets bucket: Argo workflow artifacts and archived logs. */
  argoArtifacts: 'argo-artifacts/',
  /** Data lake bucket: Spark event logs the History Server reads. */
  sparkEventLogs: 'spark-event-logs/',
  /** Data lake bucket: Spark driver and executor logs shipped by Fluent Bit. */
  sparkLogs: 'spark-logs/',
  /** Data lake bucket: ETL tables (Delta Lake) and job outputs. */
  tables: 'warehouse/',
} as const;

/** ECR repository of one of the ETL runtime images: `<prefix>-<env>/<image>`. */
export function ecrRepositoryName(env: Pick<EnvironmentConfig, 'name' | 'prefix'>, image: string): string {
  return `${resourcePrefix(env)}/${image}`;
}

/** Cognito hosted UI domain prefix; globally unique per region, hence the account id. */
export function cognitoDomainPrefix(env: NamingInput): string {
  return `${resourcePrefix(env)}-${env.account}`;
}

/** Secrets Manager secret names live under `<prefix>/<env>/`. */
export function secretName(env: Pick<EnvironmentConfig, 'name' | 'prefix'>, secret: string): string {
  return `${env.prefix}/${env.name}/${secret}`;
}

/** CloudWatch log group names. */
export function logGroupName(env: Pick<EnvironmentConfig, 'name' | 'prefix'>, purpose: string): string {
  return `/${env.prefix}/${env.name}/${purpose}`;
}

/**
 * A Kubernetes Secret synced from Secrets Manager by the External Secrets Operator: the k8s layer renders one
 * ExternalSecret per entry, infra grants the operator's role exactly these secrets, and the charts that read them
 * name only the Secret and its keys, so no secret value reaches Terraform JSON or dist/.
 */
export interface SyncedSecret {
  /** Namespace of the Kubernetes Secret (the namespace of the chart that reads it). */
  readonly namespace: string;
  /** Name of the Kubernetes Secret. */
  readonly name: string;
  /** Secrets Manager secret, the short name passed to {@link secretName}. */
  readonly source: string;
  /** Kubernetes Secret key → JSON property of the Secrets Manager secret. */
  readonly keys: Readonly<Record<string, string>>;
}

/**
 * The OIDC clients of Argo Workflows' SSO and JupyterHub's authenticator. Their Secrets Manager secrets hold
 * `{client_id, client_secret, …}` JSON written by Terraform from the Cognito user pool clients.
 */
export const OIDC_CLIENT_SECRETS = {
  /** Argo server SSO; `server.sso.clientId/clientSecret` name these keys. */
  argo: {
    namespace: NAMESPACES.argo,
    name: 'argo-server-sso',
    source: 'oidc/argo',
    keys: { 'client-id': 'client_id', 'client-secret': 'client_secret' },
  },
  /** JupyterHub's GenericOAuthenticator; read through `hub.extraEnv` (OAUTH_CLIENT_ID/OAUTH_CLIENT_SECRET). */
  jupyterhub: {
    namespace: NAMESPACES.jupyter,
    name: 'jupyterhub-oidc',
    source: 'oidc/jupyterhub',
    keys: { 'client-id': 'client_id', 'client-secret': 'client_secret' },
  },
} as const satisfies Record<string, SyncedSecret>;

/** Every Secret the External Secrets Operator syncs (what its role may read, and nothing else). */
export const SYNCED_SECRETS: readonly SyncedSecret[] = Object.values(OIDC_CLIENT_SECRETS);

/** The Secrets Manager secret name a {@link SyncedSecret} is synced from. */
export function syncedSecretSource(
  env: Pick<EnvironmentConfig, 'name' | 'prefix'>,
  secret: SyncedSecret,
): string {
  return secretName(env, secret.source);
}

/**
 * ARN pattern of one secret named by {@link secretName}: Secrets Manager appends `-` and six random characters to
 * the name, so `-??????` matches exactly that secret and not `<name>-suffix` siblings (IAM's documented pattern).
 */
export function secretArnPattern(env: NamingInput, secret: string): string {
  return regionalArn(env, 'secretsmanager', `secret:${secretName(env, secret)}-??????`);
}

/** Name of the ClusterSecretStore (Secrets Manager of the environment's region) every ExternalSecret uses. */
export const SECRETS_MANAGER_STORE = 'aws-secrets-manager';
