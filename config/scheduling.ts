/**
 * Node placement that both layers must agree on: the labels and taints infra puts on the system node group and
 * k8s puts on the Karpenter NodePools, and that every platform pod, Spark pod and notebook selects.
 */

/** A Kubernetes taint (Kubernetes spelling of the effect). */
export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A label key and value. */
export interface NodeLabel {
  readonly key: string;
  readonly value: string;
}

/** Label on every node of the managed system node group (platform controllers and cluster add-ons). */
export const SYSTEM_NODE_LABEL: NodeLabel = { key: 'node-role.sql-etl-on-eks/system', value: 'true' };

/**
 * Taint on every system node: only pods that tolerate it (cluster add-ons and the platform operators) run there, so
 * ETL pods never crowd out DNS or the controllers.
 */
export const SYSTEM_NODE_TAINT: Taint = { key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' };

/** Label key Karpenter NodePools of the kit set on their nodes; the value is the pool name. */
export const POOL_LABEL_KEY = 'sql-etl-on-eks/pool';

/** CPU architectures (Kubernetes `kubernetes.io/arch` values) the kit runs on. */
export type Architecture = 'amd64' | 'arm64';

/** Every architecture a pool of the kit may launch: x86 and Graviton. */
export const ARCHITECTURES: readonly Architecture[] = ['amd64', 'arm64'];

/** Label Kubernetes puts on every node with its CPU architecture. */
export const ARCH_LABEL_KEY = 'kubernetes.io/arch';

/** A Karpenter NodePool the kit defines: its name, the label its nodes carry and the taint that reserves them. */
export interface NodePoolPlacement {
  readonly name: string;
  readonly label: NodeLabel;
  readonly taint: Taint;
  /** Karpenter capacity types the pool may launch; with both, Karpenter launches spot first. */
  readonly capacityTypes: readonly ('on-demand' | 'spot')[];
  /** CPU architectures the pool may launch (pods of a single-architecture image select theirs). */
  readonly architectures: readonly Architecture[];
  /**
   * Total vCPU and memory (GiB) the pool may run at once: a bound on cost and on a runaway job. Team quotas are
   * checked against the job pools' sum (config/teams.ts), and team pools get their share of it.
   */
  readonly limits: { readonly cpu: number; readonly memoryGiB: number };
}

function pool(
  name: string,
  capacityTypes: NodePoolPlacement['capacityTypes'],
  limits: NodePoolPlacement['limits'],
): NodePoolPlacement {
  return {
    name,
    label: { key: POOL_LABEL_KEY, value: name },
    taint: { key: POOL_LABEL_KEY, value: name, effect: 'NoSchedule' },
    capacityTypes,
    architectures: ARCHITECTURES,
    limits,
  };
}

/**
 * The kit's NodePools. Spark drivers are never placed on spot: losing a driver loses the whole application. Argo's
 * own workflow pods (the resource templates that create and watch SparkApplications) need no pool of their own: they
 * are small, select the driver pool (on-demand) and may be disrupted, because a retried step re-applies the same
 * SparkApplication instead of starting a second one.
 */
export const NODE_POOLS = {
  /** Spark drivers and Argo's workflow pods: on-demand only, x86 and arm64. */
  sparkDriver: pool('spark-driver', ['on-demand'], { cpu: 64, memoryGiB: 256 }),
  /** Spark executors: spot first (on-demand as fallback), x86 and Graviton, memory-optimised families. */
  sparkExecutor: pool('spark-executor', ['spot', 'on-demand'], { cpu: 400, memoryGiB: 3200 }),
  /** JupyterHub single-user servers. */
  notebooks: pool('notebooks', ['on-demand'], { cpu: 64, memoryGiB: 512 }),
} as const satisfies Record<string, NodePoolPlacement>;

/**
 * Label key of a team's nodes and pods (value: the team name). Team NodePools put it on their nodes with a taint of
 * the same key, so a team's Spark pods land only on its own nodes (its share of the cluster, its cost tags); every
 * Spark and workflow pod of a team carries it too, which is what AWS split cost allocation for EKS groups by.
 */
export const TEAM_LABEL_KEY = 'sql-etl-on-eks/team';

/** The taint that reserves a team's nodes for its pods. */
export function teamTaint(team: string): Taint {
  return { key: TEAM_LABEL_KEY, value: team, effect: 'NoSchedule' };
}

/** Name of a team's NodePool cut from one of the kit's job pools, e.g. `spark-executor-analytics`. */
export function teamPoolName(pool: NodePoolPlacement, team: string): string {
  return `${pool.name}-${team}`;
}

/** The job pools a team gets a share of (notebooks share one pool; their pods carry the team label). */
export const TEAM_JOB_POOLS = [NODE_POOLS.sparkDriver, NODE_POOLS.sparkExecutor] as const;

/** A Kubernetes toleration. */
export interface Toleration {
  readonly key?: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect?: Taint['effect'];
}

/** The toleration of exactly one taint (its key, value and effect). */
export function tolerationOf(taint: Taint): Toleration {
  return { key: taint.key, operator: 'Equal', value: taint.value, effect: taint.effect };
}

/** The toleration of the system node taint. */
export const SYSTEM_TOLERATION: Toleration = tolerationOf(SYSTEM_NODE_TAINT);

/** nodeSelector and tolerations that put a pod on the managed system node group. */
export interface SystemPlacement {
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: Toleration[];
}

/**
 * Placement on the system node group (its label selected, its taint tolerated): the platform controllers of the
 * Helm values and the k8s layer's own system pods (Spark History Server) alike.
 */
export function systemPlacement(): SystemPlacement {
  return {
    nodeSelector: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
    tolerations: [SYSTEM_TOLERATION],
  };
}
