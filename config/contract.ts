/**
 * Facts the AWS layer (Helm values in infra/) and the Kubernetes layer (k8s/) must agree on that are neither names
 * (config/naming.ts), placement (config/scheduling.ts) nor versions (config/versions.ts): the storage class the
 * charts' volumes use, Argo's user and how long workflows are kept, what Argo's executor may do, and the restricted
 * security contexts. Each is defined here once and imported by both layers.
 */

/**
 * Name of the encrypted gp3 StorageClass the k8s layer creates (k8s/charts/storage-chart.ts) and that the platform
 * charts' volumes claim (JupyterHub's hub database and user volumes).
 */
export const GP3_STORAGE_CLASS = 'gp3';

/** Argo's own user id in its images (argoexec, argocli, workflow-controller): the pods' `runAsUser`. */
export const ARGO_USER_ID = 8737;

/**
 * How long a workflow is kept once it ended (and, through the owner reference, its SparkApplications): the
 * controller's workflow defaults and every WorkflowTemplate set the same. Artifacts and archived logs stay in S3.
 */
export const WORKFLOW_RETENTION = {
  /** A successful run is deleted after a day. */
  afterSuccessSeconds: 24 * 3600,
  /** A failed run is kept for a week, for investigation. */
  afterFailureSeconds: 7 * 24 * 3600,
} as const;

/** A Kubernetes RBAC policy rule. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/**
 * What Argo's executor (the `argo-workflow` service account) needs in a job namespace beyond what its resource
 * templates do with SparkApplications: the emissary executor reports outputs as WorkflowTaskResults (it no longer
 * patches pods or reads logs through the API, Argo ≥ 3.4). The chart's own workflow Role also grants `pods/exec`, so
 * the Helm values turn it off (`workflow.rbac.create: false`) and the k8s layer creates a Role with this rule.
 */
export const ARGO_EXECUTOR_RULE: PolicyRule = {
  apiGroups: ['argoproj.io'],
  resources: ['workflowtaskresults'],
  verbs: ['create', 'patch'],
};

/** Pod-level security context (the fields the kit sets). */
export interface PodSecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
  readonly seccompProfile: { readonly type: 'RuntimeDefault' };
}

/** Container-level security context (the fields the kit sets). */
export interface ContainerSecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly allowPrivilegeEscalation: false;
  readonly readOnlyRootFilesystem?: boolean;
  readonly privileged?: false;
  readonly capabilities: { readonly drop: ['ALL'] };
  readonly seccompProfile: { readonly type: 'RuntimeDefault' };
}

/** Pod security context meeting the `restricted` Pod Security Standard. */
export function restrictedPodSecurityContext(
  extra: Omit<PodSecurityContext, 'seccompProfile'> = {},
): PodSecurityContext {
  return { runAsNonRoot: true, ...extra, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Container security context meeting the `restricted` Pod Security Standard. */
export function restrictedContainerSecurityContext(
  extra: Pick<ContainerSecurityContext, 'readOnlyRootFilesystem' | 'runAsUser' | 'runAsGroup'> = {},
): ContainerSecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
    ...extra,
  };
}
