/** What the workload policies are functions of, and which workloads have one. */
import type { EnvironmentConfig, WORKLOADS } from '../../../config';

/** Workloads whose role the workloads stack creates (the cluster stack owns the EBS CSI driver's). */
export type WorkloadKey = Exclude<keyof typeof WORKLOADS, 'ebsCsiDriver'>;

/** What the statements depend on. */
export interface WorkloadPolicyContext {
  readonly env: EnvironmentConfig;
  /** ARN of the project KMS key; AWS generates it, so it is a cross-stack token. */
  readonly keyArn: string;
  /** ARN of the EKS cluster (Karpenter discovers the API endpoint from it). */
  readonly clusterArn: string;
}
