/** vCPUs, memory and the VPC CNI's pod limit of an instance type (no prefix delegation). */
export interface InstanceCapacity {
  readonly vcpu: number;
  readonly memoryMiB: number;
  /** ENIs × (IPv4 addresses per ENI − 1) + 2, EKS's max-pods for the VPC CNI (capped at 110 below 30 vCPUs). */
  readonly maxPods: number;
}

/**
 * Graviton instance types the system node group may use, with what infra/constructs/system-capacity.ts sizes the group
 * from; the environment schema accepts only these (add a type here, with its figures, to allow it).
 */
export const SYSTEM_INSTANCE_CAPACITY: Readonly<Record<string, InstanceCapacity>> = {
  'm6g.large': { vcpu: 2, memoryMiB: 8192, maxPods: 29 },
  'm6g.xlarge': { vcpu: 4, memoryMiB: 16384, maxPods: 58 },
  'm6g.2xlarge': { vcpu: 8, memoryMiB: 32768, maxPods: 58 },
  'm7g.large': { vcpu: 2, memoryMiB: 8192, maxPods: 29 },
  'm7g.xlarge': { vcpu: 4, memoryMiB: 16384, maxPods: 58 },
  'm7g.2xlarge': { vcpu: 8, memoryMiB: 32768, maxPods: 58 },
  'm8g.large': { vcpu: 2, memoryMiB: 8192, maxPods: 29 },
  'm8g.xlarge': { vcpu: 4, memoryMiB: 16384, maxPods: 58 },
  'm8g.2xlarge': { vcpu: 8, memoryMiB: 32768, maxPods: 58 },
  'c7g.xlarge': { vcpu: 4, memoryMiB: 8192, maxPods: 58 },
  'r7g.large': { vcpu: 2, memoryMiB: 16384, maxPods: 29 },
  'r7g.xlarge': { vcpu: 4, memoryMiB: 32768, maxPods: 58 },
};
