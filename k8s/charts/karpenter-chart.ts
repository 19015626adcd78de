import type { Construct } from 'constructs';
import {
  ARCH_LABEL_KEY,
  KARPENTER_DISCOVERY_TAG,
  KARPENTER_NODE_ROLE,
  NODE_POOLS,
  TEAM_JOB_POOLS,
  TEAM_LABEL_KEY,
  karpenterDiscoveryValue,
  teamPoolLimits,
  teamPoolName,
  teamTaint,
  type Taint,
  KARPENTER_AMI_ALIAS,
  kmsAliasArn,
  roleName,
  type NodePoolPlacement,
  SIZE_PRESETS,
} from '../../config';
import {
  Ec2NodeClass,
  Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType,
  Ec2NodeClassSpecMetadataOptionsHttpEndpoint,
  Ec2NodeClassSpecMetadataOptionsHttpProtocolIPv6,
  Ec2NodeClassSpecMetadataOptionsHttpTokens,
} from '../../imports/karpenter-ec2-node-class-karpenter.k8s.aws';
import {
  NodePool,
  NodePoolSpecDisruptionBudgetsReasons,
  NodePoolSpecDisruptionConsolidationPolicy,
  NodePoolSpecLimits,
  NodePoolSpecTemplateSpecRequirementsOperator,
  NodePoolSpecTemplateSpecTaintsEffect,
  type NodePoolSpecDisruption,
  type NodePoolSpecTemplateSpecRequirements,
} from '../../imports/karpenter-node-pool-karpenter.sh';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';

/** Name of the one EC2NodeClass every NodePool of the kit launches from. */
export const NODE_CLASS_NAME = 'default';

/** Root device of the AL2023 EKS AMIs. */
export const ROOT_DEVICE = '/dev/xvda';

/**
 * GiB of the root volume kept for the OS, the kubelet and containerd's image store (the Spark and Arc runtime images
 * are 1.5–3 GiB each, uncompressed) before pods' ephemeral storage.
 */
export const SYSTEM_RESERVED_GIB = 40;

/** How many pods of the largest size preset one node must hold side by side (e.g. a driver and an executor). */
export const LARGEST_PODS_PER_NODE = 2;

/** Share of the root volume the kubelet keeps free (`evictionHard` `nodefs.available`, 10% by default). */
export const NODEFS_EVICTION_SHARE = 0.1;

/** A Kubernetes quantity in GiB (`20Gi`, `100G`, `1Ti`); fails on anything else. */
export function quantityGiB(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi|Ti|M|G|T)$/.exec(quantity);
  if (match === null) {
    throw new Error(`ephemeral storage '${quantity}': use a quantity in Mi, Gi or Ti, e.g. '20Gi'`);
  }
  const value = Number(match[1]);
  const factor: Record<string, number> = {
    Mi: 1 / 1024,
    Gi: 1,
    Ti: 1024,
    M: 1e6 / 2 ** 30,
    G: 1e9 / 2 ** 30,
    T: 1e12 / 2 ** 30,
  };
  return value * factor[match[2]];
}

/**
 * Root volume size (GiB) of the nodes: {@link LARGEST_PODS_PER_NODE} pods of the size preset with the most local
 * storage, the system reserve, and the kubelet's eviction margin, rounded up to 10 GiB. Karpenter's default (20 GiB)
 * would not hold even one `small` Spark pod, whose local storage alone requests 20 GiB.
 */
export function rootVolumeGiB(localStorages: readonly string[] = presetLocalStorages()): number {
  const largest = Math.max(...localStorages.map(quantityGiB));
  const needed = (largest * LARGEST_PODS_PER_NODE + SYSTEM_RESERVED_GIB) / (1 - NODEFS_EVICTION_SHARE);
  return Math.ceil(needed / 10) * 10;
}

function presetLocalStorages(): string[] {
  return Object.values(SIZE_PRESETS).map((preset) => preset.localStorage);
}

/** What distinguishes one of the kit's NodePools. */
interface PoolDesign {
  /** Placement from config/scheduling.ts: name, label, taint, capacity types, architectures. */
  readonly placement: NodePoolPlacement;
  /** EC2 instance categories (`karpenter.k8s.aws/instance-category`). */
  readonly categories: readonly string[];
  readonly disruption: NodePoolSpecDisruption;
  /** Time after which a node is replaced (new AMI patches even without drift). */
  readonly expireAfter: string;
  /**
   * Time a draining node waits for pods that block eviction (`karpenter.sh/do-not-disrupt`, PDBs) before Karpenter
   * deletes them anyway; bounds how long an expired node can live.
   */
  readonly terminationGracePeriod: string;
  /** Why the pool looks the way it does (kept on the object as an annotation for reviewers). */
  readonly description: string;
}

/**
 * Disruption of nodes that still run pods (drift, underutilisation) only outside of working hours would suit
 * notebooks; for batch pools a steady 10%/20% is enough because drivers block it per pod.
 */
const POOLS: readonly PoolDesign[] = [
  {
    placement: NODE_POOLS.sparkDriver,
    categories: ['m', 'r'],
    disruption: {
      consolidationPolicy: NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
      consolidateAfter: '5m',
      // Drivers carry `karpenter.sh/do-not-disrupt`, so these budgets only move nodes without a running driver.
      budgets: [{ nodes: '10%' }],
    },
    expireAfter: '720h',
    terminationGracePeriod: '24h',
    description:
      'Spark drivers and Argo workflow pods: on-demand only (losing a driver loses the application), x86 and Graviton',
  },
  {
    placement: NODE_POOLS.sparkExecutor,
    // Memory-optimised: Spark executors are sized 4–8 GiB per core (the presets), which r instances give without
    // stranding CPU.
    categories: ['r'],
    disruption: {
      consolidationPolicy: NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
      consolidateAfter: '2m',
      // Executors decommission gracefully (shuffle and cache blocks migrate), so consolidation may move them, a
      // fifth of the pool at a time; empty nodes go at any rate.
      budgets: [
        { nodes: '20%', reasons: [NodePoolSpecDisruptionBudgetsReasons.UNDERUTILIZED] },
        { nodes: '20%', reasons: [NodePoolSpecDisruptionBudgetsReasons.DRIFTED] },
        { nodes: '100%', reasons: [NodePoolSpecDisruptionBudgetsReasons.EMPTY] },
      ],
    },
    expireAfter: '168h',
    terminationGracePeriod: '2h',
    description:
      'Spark executors: spot first with on-demand fallback, x86 and Graviton, memory-optimised; decommissioning survives interruptions',
  },
  {
    placement: NODE_POOLS.notebooks,
    categories: ['m', 'r'],
    disruption: {
      // A user's server holds kernel state: only empty nodes are removed, never a server moved for packing.
      consolidationPolicy: NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY,
      consolidateAfter: '30m',
      budgets: [{ nodes: '1' }],
    },
    expireAfter: '720h',
    terminationGracePeriod: '12h',
    description: 'JupyterHub single-user servers: on-demand, x86 and Graviton, only empty nodes consolidated',
  },
];

/** Current-generation instances only (Nitro, ENA, gp3-optimised EBS). */
const MIN_GENERATION_EXCLUSIVE = '5';
/** Sizes too small for a Spark pod plus the per-node daemons. */
const EXCLUDED_SIZES = ['nano', 'micro', 'small', 'medium'];

function requirement(
  key: string,
  operator: NodePoolSpecTemplateSpecRequirementsOperator,
  values: readonly string[],
): NodePoolSpecTemplateSpecRequirements {
  return { key, operator, values: [...values] };
}

/**
 * Karpenter's node capacity for the kit: one EC2NodeClass (pinned AL2023 AMI, IMDSv2 with a hop limit of 1, an
 * encrypted gp3 root volume sized for the Spark size presets' local storage, the subnets and security group infra
 * tags for discovery, the node role infra creates) and one NodePool per entry of config/scheduling.ts NODE_POOLS,
 * labelled and tainted exactly as the pods select and tolerate them.
 */
export class KarpenterChart extends EnvironmentChart {
  constructor(scope: Construct, props: EnvironmentChartProps) {
    super(scope, 'karpenter', props);
    const { env } = props;

    this.nodeClass('NodeClass', NODE_CLASS_NAME, {});
    for (const pool of POOLS) {
      this.nodePool(`${pool.placement.name}-pool`, pool, {
        name: pool.placement.name,
        nodeClass: NODE_CLASS_NAME,
        labels: {},
        taints: [],
        limits: pool.placement.limits,
      });
    }
    // Fair sharing: each team gets its own driver and executor pools, cut from the kit's (same pool label and taint,
    // plus the team's label and taint), limited to its share, launched from a node class that tags its instances
    // and volumes with the team for cost allocation.
    for (const team of env.teams) {
      const teamTags = { [TEAM_COST_TAG]: team.name };
      this.nodeClass(`${team.name}-NodeClass`, teamNodeClassName(team.name), teamTags);
      for (const pool of POOLS.filter((p) =>
        (TEAM_JOB_POOLS as readonly NodePoolPlacement[]).includes(p.placement),
      )) {
        this.nodePool(`${teamPoolName(pool.placement, team.name)}-pool`, pool, {
          name: teamPoolName(pool.placement, team.name),
          nodeClass: teamNodeClassName(team.name),
          labels: { [TEAM_LABEL_KEY]: team.name },
          taints: [teamTaint(team.name)],
          limits: teamPoolLimits(team, pool.placement),
        });
      }
    }
  }

  /** An EC2NodeClass: the kit's AMI, network, IMDS and root volume; `tags` added to the environment's. */
  private nodeClass(id: string, name: string, tags: Record<string, string>): void {
    const { env } = this;
    const discovery = { [KARPENTER_DISCOVERY_TAG]: karpenterDiscoveryValue(env) };
    new Ec2NodeClass(this, id, {
      metadata: { name },
      spec: {
        amiSelectorTerms: [{ alias: KARPENTER_AMI_ALIAS }],
        // Karpenter creates and rotates the instance profile of this role (infra creates the role and its access entry).
        role: roleName(env, KARPENTER_NODE_ROLE),
        subnetSelectorTerms: [{ tags: discovery }],
        securityGroupSelectorTerms: [{ tags: discovery }],
        metadataOptions: {
          httpEndpoint: Ec2NodeClassSpecMetadataOptionsHttpEndpoint.ENABLED,
          httpProtocolIPv6: Ec2NodeClassSpecMetadataOptionsHttpProtocolIPv6.DISABLED,
          // One hop: pods in their own network namespace cannot reach IMDS, so they never get the node role.
          httpPutResponseHopLimit: 1,
          httpTokens: Ec2NodeClassSpecMetadataOptionsHttpTokens.REQUIRED,
        },
        blockDeviceMappings: [
          {
            deviceName: ROOT_DEVICE,
            rootVolume: true,
            ebs: {
              volumeSize: `${rootVolumeGiB()}Gi`,
              volumeType: Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3,
              encrypted: true,
              // EC2 accepts the alias ARN; the key policy lets EC2 use the key for this account's volumes.
              kmsKeyId: kmsAliasArn(env),
              deleteOnTermination: true,
            },
          },
        ],
        // Provider default tags do not reach what Karpenter launches; the same tags go on instances and volumes.
        tags: { ...env.tags, 'sql-etl-on-eks:environment': env.name, ...tags },
      },
    });
  }

  /** A NodePool of one of the kit's pool designs, optionally cut for a team (`variant`). */
  private nodePool(id: string, pool: PoolDesign, variant: PoolVariant): void {
    const { placement } = pool;
    const taints = [placement.taint, ...variant.taints];
    new NodePool(this, id, {
      metadata: {
        name: variant.name,
        annotations: { 'sql-etl-on-eks/description': pool.description },
      },
      spec: {
        template: {
          metadata: { labels: { [placement.label.key]: placement.label.value, ...variant.labels } },
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: variant.nodeClass },
            requirements: [
              requirement(
                'karpenter.sh/capacity-type',
                NodePoolSpecTemplateSpecRequirementsOperator.IN,
                placement.capacityTypes,
              ),
              requirement(
                ARCH_LABEL_KEY,
                NodePoolSpecTemplateSpecRequirementsOperator.IN,
                placement.architectures,
              ),
              requirement('kubernetes.io/os', NodePoolSpecTemplateSpecRequirementsOperator.IN, ['linux']),
              requirement(
                'karpenter.k8s.aws/instance-category',
                NodePoolSpecTemplateSpecRequirementsOperator.IN,
                pool.categories,
              ),
              requirement(
                'karpenter.k8s.aws/instance-generation',
                NodePoolSpecTemplateSpecRequirementsOperator.GT,
                [MIN_GENERATION_EXCLUSIVE],
              ),
              requirement(
                'karpenter.k8s.aws/instance-size',
                NodePoolSpecTemplateSpecRequirementsOperator.NOT_IN,
                EXCLUDED_SIZES,
              ),
            ],
            taints: taints.map((taint) => ({
              key: taint.key,
              value: taint.value,
              effect: TAINT_EFFECTS[taint.effect],
            })),
            expireAfter: pool.expireAfter,
            terminationGracePeriod: pool.terminationGracePeriod,
          },
        },
        limits: {
          cpu: NodePoolSpecLimits.fromString(String(variant.limits.cpu)),
          memory: NodePoolSpecLimits.fromString(`${variant.limits.memoryGiB}Gi`),
        },
        disruption: pool.disruption,
      },
    });
  }
}

/** How a NodePool differs from its design: name, node class, extra labels and taints, limits. */
interface PoolVariant {
  readonly name: string;
  readonly nodeClass: string;
  readonly labels: Record<string, string>;
  readonly taints: readonly Taint[];
  readonly limits: { readonly cpu: number; readonly memoryGiB: number };
}

/** EC2 tag key naming a team on its instances and volumes (activate it as a cost allocation tag). */
const TEAM_COST_TAG = 'sql-etl-on-eks:team';

/** The EC2NodeClass of a team's pools. */
export function teamNodeClassName(team: string): string {
  return `team-${team}`;
}

const TAINT_EFFECTS: Readonly<
  Record<NodePoolPlacement['taint']['effect'], NodePoolSpecTemplateSpecTaintsEffect>
> = {
  NoSchedule: NodePoolSpecTemplateSpecTaintsEffect.NO_SCHEDULE,
  PreferNoSchedule: NodePoolSpecTemplateSpecTaintsEffect.PREFER_NO_SCHEDULE,
  NoExecute: NodePoolSpecTemplateSpecTaintsEffect.NO_EXECUTE,
};
