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

/** A Karpenter NodePool the kit defines: its name, the label its nodes carry and the taint that reserves them. */
export interface NodePoolPlacement {
  readonly name: string;
  readonly label: NodeLabel;
  readonly taint: Taint;
  /** Karpenter capacity types the pool may launch. */
  readonly capacityTypes: readonly ('on-demand' | 'spot')[];
}

function pool(name: string, capacityTypes: NodePoolPlacement['capacityTypes']): NodePoolPlacement {
  return {
    name,
    label: { key: POOL_LABEL_KEY, value: name },
    taint: { key: POOL_LABEL_KEY, value: name, effect: 'NoSchedule' },
    capacityTypes,
  };
}

/** The kit's NodePools. Spark drivers are never placed on spot: losing a driver loses the whole application. */
export const NODE_POOLS = {
  /** Spark drivers: on-demand only, x86 and arm64. */
  sparkDriver: pool('spark-driver', ['on-demand']),
  /** Spark executors: spot first (on-demand as fallback), x86 and Graviton, memory-optimised families. */
  sparkExecutor: pool('spark-executor', ['spot', 'on-demand']),
  /** JupyterHub single-user servers. */
  notebooks: pool('notebooks', ['on-demand']),
} as const satisfies Record<string, NodePoolPlacement>;
