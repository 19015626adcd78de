import { stringify } from 'yaml';
import { roleArn, type EnvironmentConfig, type WorkloadIdentity } from '../../../config';

/**
 * Building blocks shared by the typed values of every platform chart: resources, service accounts and the
 * high-availability rule (placement and security contexts are config/'s, shared with the k8s layer).
 */

/** Container resource requests and limits (Kubernetes quantities). */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** `requests` and `limits` in one call: `resources('100m', '128Mi', '500m', '256Mi')`. */
export function resources(cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Resources {
  return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
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
