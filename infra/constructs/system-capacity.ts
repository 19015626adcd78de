import { SYSTEM_INSTANCE_CAPACITY, type EnvironmentConfig, type InstanceCapacity } from '../../config';
import { argoCdValues } from './helm-values/argo-cd';
import { argoWorkflowsValues } from './helm-values/argo-workflows';
import { fluentBitValues } from './helm-values/aws-for-fluent-bit';
import { externalSecretsValues } from './helm-values/external-secrets';
import { loadBalancerControllerValues } from './helm-values/aws-load-balancer-controller';
import { highAvailability, type Resources } from './helm-values/common';
import { jupyterhubValues } from './helm-values/jupyterhub';
import { karpenterValues } from './helm-values/karpenter';
import { sparkOperatorValues } from './helm-values/spark-operator';

/**
 * How many system nodes the platform needs: the requests of every pod that runs on the system node group (the Helm
 * releases' controllers, EKS add-ons, the k8s layer's History Server) packed onto the configured instance type's
 * allocatable capacity, plus one spare node when the environment is highly available (a node can fail or be replaced
 * without leaving platform pods pending).
 */

/** CPU (millicores), memory (MiB) and pod slots. */
export interface Amount {
  readonly cpu: number;
  readonly memory: number;
  readonly pods: number;
}

/** One kind of pod on the system nodes. */
export interface SystemPod {
  /** `<release or add-on>/<component>`. */
  readonly name: string;
  /** Pods per cluster (Deployment), or `'per-node'` (DaemonSet). */
  readonly replicas: number | 'per-node';
  /** CPU millicores and MiB requested by one pod (all its containers). */
  readonly cpu: number;
  readonly memory: number;
}

// The instance table lives in config/ (the environment schema accepts only the types it lists).
export { SYSTEM_INSTANCE_CAPACITY, type InstanceCapacity };

/** Share of an instance's nominal memory the OS and hypervisor keep (Karpenter's `vmMemoryOverheadPercent`). */
export const VM_MEMORY_OVERHEAD = 0.075;
/** The kubelet's `evictionHard` `memory.available` on the EKS AMIs (MiB). */
export const EVICTION_HARD_MEMORY_MIB = 100;

/**
 * What the kubelet of an EKS AL2023 node can give to pods: capacity minus kube-reserved (CPU: 6% of the first core,
 * 1% of the second, 0.5% of the next two, 0.25% of the rest; memory: 255 MiB + 11 MiB per pod slot) and the eviction
 * threshold, after the VM memory overhead.
 */
export function allocatable(instance: InstanceCapacity): Amount {
  const cores = instance.vcpu;
  const reservedCpu =
    60 + (cores > 1 ? 10 : 0) + Math.max(0, Math.min(cores, 4) - 2) * 5 + Math.max(0, cores - 4) * 2.5;
  const memory =
    Math.floor(instance.memoryMiB * (1 - VM_MEMORY_OVERHEAD)) -
    (255 + 11 * instance.maxPods) -
    EVICTION_HARD_MEMORY_MIB;
  return { cpu: cores * 1000 - reservedCpu, memory, pods: instance.maxPods };
}

/** `250m` → 250, `2` → 2000 (millicores); `512Mi` → 512, `2Gi` → 2048 (MiB). */
export function cpuMillis(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}

/** MiB of a Kubernetes memory quantity (Mi, Gi, M, G). */
export function memoryMiB(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)$/.exec(quantity);
  if (match === null) throw new Error(`memory quantity '${quantity}': use Mi or Gi`);
  const factor: Record<string, number> = { Mi: 1, Gi: 1024, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 };
  return Number(match[1]) * factor[match[2]];
}

function pod(name: string, replicas: number | 'per-node', resources: Resources): SystemPod {
  return {
    name,
    replicas,
    cpu: cpuMillis(resources.requests.cpu),
    memory: memoryMiB(resources.requests.memory),
  };
}

/**
 * Pods of the EKS managed add-ons on every node or on the system nodes, with the requests of the add-ons' default
 * manifests (vpc-cni `aws-node` 25m; kube-proxy 100m; CoreDNS 100m/70Mi per replica; the EBS CSI driver's node
 * plugin 3 and controller 6 containers of 10m/40Mi; the Pod Identity agent). Not readable offline: settle with
 * `kubectl -n kube-system get deploy,ds -o jsonpath='{..resources.requests}'` on a cluster of the pinned versions.
 */
export const EKS_ADDON_PODS: readonly SystemPod[] = [
  { name: 'vpc-cni/aws-node', replicas: 'per-node', cpu: 25, memory: 0 },
  { name: 'kube-proxy', replicas: 'per-node', cpu: 100, memory: 0 },
  { name: 'eks-pod-identity-agent', replicas: 'per-node', cpu: 25, memory: 32 },
  { name: 'aws-ebs-csi-driver/node', replicas: 'per-node', cpu: 30, memory: 120 },
  { name: 'coredns', replicas: 2, cpu: 100, memory: 70 },
  { name: 'aws-ebs-csi-driver/controller', replicas: 2, cpu: 60, memory: 240 },
];

/**
 * The k8s layer's pods on the system nodes, which infra cannot read (neither layer imports the other): the Spark
 * History Server (250m/1.5 GiB). The node-capacity test sums the real manifests of dist/k8s, so a bigger k8s-layer
 * pod fails that test until this allowance grows.
 */
export const K8S_LAYER_SYSTEM_PODS: readonly SystemPod[] = [
  { name: 'spark-history-server', replicas: 1, cpu: 250, memory: 1536 },
];

/** Every pod on the system nodes, from the typed values of the platform's releases. */
export function systemPods(env: EnvironmentConfig): SystemPod[] {
  const argoCd = argoCdValues(env);
  const argo = argoWorkflowsValues(env, { issuerUrl: 'https://issuer.invalid', uiUrl: 'https://ui.invalid' });
  const hub = jupyterhubValues(env, {
    hostedUiUrl: 'https://auth.invalid',
    uiUrl: 'https://ui.invalid',
    notebookImages: { 'arc-notebook': 'image.invalid', 'pyspark-notebook': 'image.invalid' },
  });
  const karpenter = karpenterValues(env);
  const lbc = loadBalancerControllerValues(env, 'vpc-00000000');
  const spark = sparkOperatorValues(env);
  const fluentBit = fluentBitValues(env);
  const eso = externalSecretsValues(env);
  return [
    pod('argo-cd/server', argoCd.server.replicas, argoCd.server.resources),
    pod('argo-cd/repo-server', argoCd.repoServer.replicas, argoCd.repoServer.resources),
    pod('argo-cd/applicationset', argoCd.applicationSet.replicas, argoCd.applicationSet.resources),
    pod('argo-cd/controller', argoCd.controller.replicas, argoCd.controller.resources),
    pod('argo-cd/redis', 1, argoCd.redis.resources),
    pod('argo-workflows/controller', argo.controller.replicas, argo.controller.resources),
    pod('argo-workflows/server', argo.server.replicas, argo.server.resources),
    pod('jupyterhub/hub', 1, hub.hub.resources),
    pod('jupyterhub/proxy', 1, hub.proxy.chp.resources),
    pod('karpenter/controller', karpenter.replicas, karpenter.controller.resources),
    pod('aws-load-balancer-controller', lbc.replicaCount, lbc.resources),
    pod('spark-operator/controller', spark.controller.replicas, spark.controller.resources),
    pod('spark-operator/webhook', spark.webhook.replicas, spark.webhook.resources),
    pod('aws-for-fluent-bit', 'per-node', fluentBit.resources),
    pod('external-secrets/controller', eso.replicaCount, eso.resources),
    pod('external-secrets/webhook', eso.webhook.replicaCount, eso.webhook.resources),
    pod('external-secrets/cert-controller', eso.certController.replicaCount, eso.certController.resources),
    ...EKS_ADDON_PODS,
    ...K8S_LAYER_SYSTEM_PODS,
  ];
}

/**
 * Nodes of `instanceType` the pods need: first-fit decreasing (largest CPU first) of every replica onto nodes whose
 * allocatable capacity is reduced by the per-node pods, plus a spare node when `spare`; at least 2 (two AZs).
 */
export function requiredNodes(pods: readonly SystemPod[], instanceType: string, spare: boolean): number {
  const instance = SYSTEM_INSTANCE_CAPACITY[instanceType];
  if (instance === undefined) {
    throw new Error(
      `system node instance type '${instanceType}' has no capacity entry; use one of ` +
        `${Object.keys(SYSTEM_INSTANCE_CAPACITY).join(', ')} or add it to SYSTEM_INSTANCE_CAPACITY ` +
        '(infra/constructs/system-capacity.ts)',
    );
  }
  const total = allocatable(instance);
  const perNode = pods.filter((p) => p.replicas === 'per-node');
  const free: Amount = {
    cpu: total.cpu - perNode.reduce((n, p) => n + p.cpu, 0),
    memory: total.memory - perNode.reduce((n, p) => n + p.memory, 0),
    pods: total.pods - perNode.length,
  };
  const replicas = pods
    .flatMap((p) => (p.replicas === 'per-node' ? [] : Array.from({ length: p.replicas }, () => p)))
    .sort((a, b) => b.cpu - a.cpu || b.memory - a.memory || (a.name < b.name ? -1 : 1));
  const nodes: { cpu: number; memory: number; pods: number }[] = [];
  for (const replica of replicas) {
    if (replica.cpu > free.cpu || replica.memory > free.memory) {
      throw new Error(
        `${replica.name} requests ${replica.cpu}m CPU and ${replica.memory} MiB, more than one ${instanceType} ` +
          `offers after its per-node pods (${free.cpu}m, ${free.memory} MiB); choose a larger system instance type`,
      );
    }
    const node = nodes.find((n) => n.cpu >= replica.cpu && n.memory >= replica.memory && n.pods >= 1);
    const target = node ?? nodes[nodes.push({ ...free }) - 1];
    target.cpu -= replica.cpu;
    target.memory -= replica.memory;
    target.pods -= 1;
  }
  return Math.max(2, nodes.length + (spare ? 1 : 0));
}

/** The system node count of an environment: its pods on its first instance type, a spare when highly available. */
export function systemNodeCount(env: EnvironmentConfig): number {
  return requiredNodes(systemPods(env), env.eks.systemNodes.instanceTypes[0], highAvailability(env));
}
