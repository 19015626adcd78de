import { stringify } from 'yaml';
import {
  roleArn,
  SYSTEM_NODE_LABEL,
  SYSTEM_NODE_TAINT,
  type EnvironmentConfig,
  type Taint,
  type WorkloadIdentity,
} from '../../../config';

/**
 * Building blocks shared by the typed values of every platform chart: placement on the system nodes, restricted
 * security contexts, resources, service accounts and the high-availability rule.
 */

/** A Kubernetes toleration. */
export interface Toleration {
  readonly key?: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect?: Taint['effect'];
}

/** Container resource requests and limits (Kubernetes quantities). */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** `requests` and `limits` in one call: `resources('100m', '128Mi', '500m', '256Mi')`. */
export function resources(cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Resources {
  return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}

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
  readonly capabilities: { readonly drop: readonly ['ALL'] };
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

/** nodeSelector and tolerations that put a controller on the managed system node group. */
export interface SystemPlacement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/** The toleration of the system node taint. */
export const SYSTEM_TOLERATION: Toleration = {
  key: SYSTEM_NODE_TAINT.key,
  operator: 'Equal',
  value: SYSTEM_NODE_TAINT.value,
  effect: SYSTEM_NODE_TAINT.effect,
};

/** Placement on the system node group: its label selected, its taint tolerated. */
export function systemPlacement(): SystemPlacement {
  return {
    nodeSelector: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
    tolerations: [SYSTEM_TOLERATION],
  };
}

/** Toleration of any taint (the same key, value and effect). */
export function tolerationOf(taint: Taint): Toleration {
  return { key: taint.key, operator: 'Equal', value: taint.value, effect: taint.effect };
}

/**
 * Whether the platform's web-facing and webhook components run two replicas with a PodDisruptionBudget. Derived from
 * the number of availability zones rather than the environment's name: an environment spread over three AZs is one
 * meant to survive an AZ (and a node) going away, while a two-AZ environment is a cost-sensitive one.
 * Candidate for an explicit `platform.highAvailability` config field.
 */
export function highAvailability(env: Pick<EnvironmentConfig, 'network'>): boolean {
  return env.network.azCount >= 3;
}

/** Replicas of a web-facing or webhook component: 2 with {@link highAvailability}, else 1. */
export function replicasFor(env: Pick<EnvironmentConfig, 'network'>): number {
  return highAvailability(env) ? 2 : 1;
}

/** A Helm chart's `serviceAccount` block: always created by the chart, named from config, IRSA-annotated if IRSA. */
export interface ServiceAccountValues {
  readonly create: true;
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/** The annotation IRSA reads the role ARN from. */
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

/**
 * The service account of a chart-created workload identity. Pod Identity workloads get no annotation (the
 * association, created by infra, binds the role); IRSA workloads get the role ARN computed from config.
 */
export function serviceAccountValues(
  env: EnvironmentConfig,
  workload: WorkloadIdentity,
): ServiceAccountValues {
  return {
    create: true,
    name: workload.serviceAccount,
    annotations: workload.mechanism === 'irsa' ? { [IRSA_ANNOTATION]: roleArn(env, workload.role) } : {},
  };
}

/**
 * Serializes values to YAML deterministically: keys sorted, no line folding, no anchors. Strings that carry
 * Terraform interpolations (cross-stack references) stay single scalars.
 */
export function toValuesYaml(values: object): string {
  return stringify(values, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}
