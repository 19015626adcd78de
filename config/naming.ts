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

/** KMS alias of the environment's customer-managed key (aliases are regional). */
export function kmsAliasName(env: NamingInput): string {
  return `alias/${resourcePrefix(env)}`;
}

/** Terraform stack id for one lifecycle unit of an environment, e.g. `dev-foundation`. */
export function stackName(env: Pick<EnvironmentConfig, 'name'>, unit: string): string {
  return `${env.name}-${unit}`;
}

/** S3 key of a stack's Terraform state. */
export function stateKey(env: Pick<EnvironmentConfig, 'name' | 'state'>, unit: string): string {
  return `${env.state.keyPrefix}/${stackName(env, unit)}.tfstate`;
}

/** The Kubernetes namespaces the platform uses. */
export const NAMESPACES = {
  /** Where SparkApplications and their pods run. */
  sparkJobs: 'spark-jobs',
  /** Argo Workflows controller, server and workflows. */
  argo: 'argo',
  /** JupyterHub and the single-user servers. */
  jupyter: 'jupyter',
  /** The Spark Operator controller and webhook. */
  sparkOperator: 'spark-operator',
} as const;

/** A Kubernetes service account bound to an IAM role (IRSA). */
export interface WorkloadIdentity {
  /** Short role suffix, passed to {@link roleName}. */
  readonly role: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** Every workload identity; infra creates each role with a trust for exactly this namespace:serviceaccount. */
export const WORKLOADS = {
  /** Runs Spark drivers and executors (Arc and plain SQL). IRSA: Arc's bundled AWS SDK predates Pod Identity. */
  sparkJobRunner: {
    role: 'spark-job-runner',
    namespace: NAMESPACES.sparkJobs,
    serviceAccount: 'spark-job-runner',
  },
} as const satisfies Record<string, WorkloadIdentity>;

/** The `sub` claim an IRSA trust policy must match for a workload. */
export function irsaSubject(workload: WorkloadIdentity): string {
  return `system:serviceaccount:${workload.namespace}:${workload.serviceAccount}`;
}
