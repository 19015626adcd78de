import type { Problem } from '../problem';
import { formatPath } from '../problem';
import { helmPlacements, valuesPath } from './helm';
import type { DistEnvironment } from '../dist';
import type { Json, ReferenceCheck, Segments } from './model';
import { asArray, asObject, isExpression, objectName, resourcesOfType, walkObjects } from './model';
import type { Placement, Toleration } from './pods';
import { isEmptyPlacement, placementOf, podUses } from './pods';

/** Allowed values of a label on a source's nodes: a set, or any value. */
type Allowed = ReadonlySet<string> | 'any';

/** Where pods can land: a managed node group or a Karpenter NodePool. */
export interface NodeSource {
  /** How messages name it: `aws_eks_node_group.system_nodes` or `NodePool/spark-driver`. */
  readonly name: string;
  /** Labels its nodes carry, with the values they may take. */
  readonly labels: ReadonlyMap<string, Allowed>;
  /** Well-known labels present on every node whose value this source does not constrain (zone, hostname…). */
  readonly openPrefixes: readonly string[];
  /** Taints on every node. */
  readonly taints: readonly { key: string; value: string; effect: string }[];
}

/** Labels every node has, with a value the source does not fix. */
const OPEN_LABELS = [
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'topology.ebs.csi.aws.com/zone',
  'topology.k8s.aws/zone-id',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
];
/** Labels Karpenter's AWS provider sets from the instance type (`karpenter.k8s.aws/instance-family`, …). */
const KARPENTER_OPEN = [...OPEN_LABELS, 'karpenter.k8s.aws/', 'node.kubernetes.io/instance-type'];
/** Taints Kubernetes, EKS or Karpenter put on nodes by themselves: tolerating them needs no node source. */
const WELL_KNOWN_TAINT_PREFIXES = [
  'node.kubernetes.io/',
  'node.cloudprovider.kubernetes.io/',
  'node-role.kubernetes.io/',
  'karpenter.sh/',
  'eks.amazonaws.com/',
  'ebs.csi.aws.com/',
];
const EFFECTS: Readonly<Record<string, string>> = {
  NO_SCHEDULE: 'NoSchedule',
  NO_EXECUTE: 'NoExecute',
  PREFER_NO_SCHEDULE: 'PreferNoSchedule',
};

function set(...values: string[]): ReadonlySet<string> {
  return new Set(values);
}

/** An `aws_eks_node_group`: its labels, taints, and the labels EKS derives from capacity type, AMI and instance types. */
function nodeGroupSource(values: Json, name: string): NodeSource {
  const labels = new Map<string, Allowed>();
  for (const [key, value] of Object.entries(asObject(values.labels) ?? {})) {
    if (typeof value === 'string') labels.set(key, set(value));
  }
  const capacity = typeof values.capacity_type === 'string' ? values.capacity_type : 'ON_DEMAND';
  labels.set('eks.amazonaws.com/capacityType', set(capacity));
  labels.set('eks.amazonaws.com/nodegroup', 'any');
  const ami = typeof values.ami_type === 'string' ? values.ami_type : '';
  labels.set(
    'kubernetes.io/arch',
    ami.includes('ARM_64') ? set('arm64') : ami.includes('x86_64') ? set('amd64') : 'any',
  );
  labels.set('kubernetes.io/os', ami.includes('WINDOWS') ? set('windows') : set('linux'));
  const types = asArray(values.instance_types).filter((t): t is string => typeof t === 'string');
  labels.set('node.kubernetes.io/instance-type', types.length === 0 ? 'any' : set(...types));
  const taints = asArray(values.taint).flatMap((t) => {
    const taint = asObject(t);
    if (typeof taint?.key !== 'string' || typeof taint.effect !== 'string') return [];
    return [
      {
        key: taint.key,
        value: typeof taint.value === 'string' ? taint.value : '',
        effect: EFFECTS[taint.effect] ?? taint.effect,
      },
    ];
  });
  return { name, labels, openPrefixes: OPEN_LABELS, taints };
}

/**
 * A Karpenter NodePool manifest: template labels, requirements (In fixes the values, Exists/NotIn/Gt/Lt leave them
 * open, DoesNotExist removes the label), Karpenter's defaults for capacity type (on-demand), architecture (amd64) and
 * OS (linux) when no requirement names them, and the template taints (startup taints are removed before pods land).
 */
function nodePoolSource(manifest: Readonly<Json>, name: string): NodeSource {
  const template = asObject(asObject(manifest.spec)?.template) ?? {};
  const labels = new Map<string, Allowed>([
    ['karpenter.sh/capacity-type', set('on-demand')],
    ['kubernetes.io/arch', set('amd64')],
    ['kubernetes.io/os', set('linux')],
    ['karpenter.sh/nodepool', set(name)],
  ]);
  for (const [key, value] of Object.entries(asObject(asObject(template.metadata)?.labels) ?? {})) {
    if (typeof value === 'string') labels.set(key, set(value));
  }
  const spec = asObject(template.spec) ?? {};
  for (const r of asArray(spec.requirements)) {
    const requirement = asObject(r);
    if (typeof requirement?.key !== 'string') continue;
    const values = asArray(requirement.values).filter((v): v is string => typeof v === 'string');
    if (requirement.operator === 'In') labels.set(requirement.key, set(...values));
    else if (requirement.operator === 'DoesNotExist') labels.delete(requirement.key);
    else labels.set(requirement.key, 'any');
  }
  const taints = asArray(spec.taints).flatMap((t) => {
    const taint = asObject(t);
    if (typeof taint?.key !== 'string') return [];
    return [
      {
        key: taint.key,
        value: typeof taint.value === 'string' ? taint.value : '',
        effect: typeof taint.effect === 'string' ? taint.effect : 'NoSchedule',
      },
    ];
  });
  return { name: `NodePool/${name}`, labels, openPrefixes: KARPENTER_OPEN, taints };
}

/**
 * The node sources of an environment, read from dist/ alone: every `aws_eks_node_group` of its Terraform stacks and
 * every Karpenter NodePool of its manifests. A pod that only a NodePool missing from dist/ would admit is reported.
 */
export function nodeSources(environment: DistEnvironment): NodeSource[] {
  const groups = resourcesOfType(environment, 'aws_eks_node_group').map((r) =>
    nodeGroupSource(r.values, `${r.address} (${r.stack})`),
  );
  const pools = environment.objects
    .filter(
      (o) =>
        o.manifest.kind === 'NodePool' &&
        typeof o.manifest.apiVersion === 'string' &&
        o.manifest.apiVersion.startsWith('karpenter.sh/'),
    )
    .map((o) => {
      const name = asObject(o.manifest.metadata)?.name;
      return nodePoolSource(o.manifest, typeof name === 'string' ? name : '(no name)');
    });
  return [...groups, ...pools];
}

function allows(source: NodeSource, key: string, value?: string): boolean {
  const allowed = source.labels.get(key);
  if (allowed === undefined)
    return source.openPrefixes.some((p) => (p.endsWith('/') ? key.startsWith(p) : key === p));
  return allowed === 'any' || value === undefined || allowed.has(value);
}

function tolerates(toleration: Toleration, taint: { key: string; value: string; effect: string }): boolean {
  if (toleration.effect !== undefined && toleration.effect !== '' && toleration.effect !== taint.effect)
    return false;
  if (toleration.key === undefined || toleration.key === '') return toleration.operator === 'Exists';
  if (toleration.key !== taint.key) return false;
  return toleration.operator === 'Exists' || (toleration.value ?? '') === taint.value;
}

function taintText(taint: { key: string; value: string; effect: string }): string {
  return `${taint.key}${taint.value === '' ? '' : `=${taint.value}`}:${taint.effect}`;
}

/** Why `source` does not admit a pod with `placement`, or an empty list when it does. */
function rejections(source: NodeSource, placement: Placement): string[] {
  const reasons: string[] = [];
  for (const [key, value] of Object.entries(placement.nodeSelector)) {
    if (isExpression(key) || isExpression(value)) continue;
    if (!allows(source, key, value)) {
      const has = source.labels.get(key);
      reasons.push(
        `no label ${key}=${value}` +
          (has === undefined || has === 'any' ? '' : ` (has ${[...has].sort().join('|')})`),
      );
    }
  }
  if (placement.terms !== undefined && placement.terms.length > 0) {
    const termOk = placement.terms.some((term) =>
      term.every((e) => {
        if (isExpression(e.key) || e.values.some(isExpression)) return true;
        const fixed = source.labels.get(e.key);
        switch (e.operator) {
          case 'In':
            return e.values.some((v) => allows(source, e.key, v));
          case 'NotIn':
            return fixed === undefined || fixed === 'any' || [...fixed].some((v) => !e.values.includes(v));
          case 'Exists':
            return allows(source, e.key);
          case 'DoesNotExist':
            return fixed === undefined;
          default:
            return true; // Gt/Lt compare numbers the source does not fix
        }
      }),
    );
    if (!termOk) reasons.push('no required node affinity term matches');
  }
  for (const taint of source.taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) {
    if (!placement.tolerations.some((t) => tolerates(t, taint)))
      reasons.push(`taint ${taintText(taint)} not tolerated`);
  }
  return reasons;
}

/** Problems of one placement: no source admits it, or a toleration names a taint no source sets. */
function placementProblems(placement: Placement, sources: readonly NodeSource[]): string[] {
  const messages: string[] = [];
  const verdicts = sources.map((s) => ({ source: s, reasons: rejections(s, placement) }));
  if (!verdicts.some((v) => v.reasons.length === 0)) {
    messages.push(
      (isEmptyPlacement(placement) ? 'no nodeSelector or toleration, and ' : '') +
        'no node group or NodePool admits this pod: ' +
        (sources.length === 0
          ? 'dist/ defines no aws_eks_node_group and no NodePool for this environment'
          : verdicts.map((v) => `${v.source.name}: ${v.reasons.join(', ')}`).join('; ')),
    );
  }
  const taints = sources.flatMap((s) => s.taints);
  for (const toleration of placement.tolerations) {
    const key = toleration.key ?? '';
    if (key === '' || isExpression(key) || WELL_KNOWN_TAINT_PREFIXES.some((p) => key.startsWith(p))) continue;
    const sameKey = taints.filter((t) => t.key === key);
    if (sameKey.length === 0) {
      messages.push(`toleration of "${key}": no node group or NodePool sets a taint with this key`);
    } else if (!sameKey.some((t) => tolerates(toleration, t)) && !isExpression(toleration.value ?? '')) {
      messages.push(
        `toleration ${key}${toleration.value === undefined ? '' : `=${toleration.value}`}` +
          `${toleration.effect === undefined ? '' : `:${toleration.effect}`} matches none of the taints ` +
          sameKey.map(taintText).join(', '),
      );
    }
  }
  return messages;
}

/** Placements in an add-on's `configuration_values` JSON (any mapping with nodeSelector, tolerations or affinity). */
function addonPlacements(configuration: unknown): { path: Segments; placement: Placement }[] {
  if (typeof configuration !== 'string' || !configuration.trim().startsWith('{')) return [];
  let json: unknown;
  try {
    json = JSON.parse(configuration) as unknown;
  } catch {
    return [];
  }
  const out: { path: Segments; placement: Placement }[] = [];
  walkObjects(json, (object, where) => {
    if (['nodeSelector', 'tolerations', 'affinity'].some((key) => object[key] !== undefined)) {
      out.push({
        path: where,
        placement: placementOf(object.nodeSelector, object.tolerations, object.affinity),
      });
    }
  });
  return out;
}

/**
 * Every placement (nodeSelector, required node affinity, tolerations) of every pod-bearing manifest (core workloads,
 * SparkApplication driver and executor, Argo templates), of the recognised Helm values and of EKS add-on
 * configuration can be met by some node source: an `aws_eks_node_group` of dist/terraform (labels, taints, and the
 * labels EKS derives) or a Karpenter NodePool of dist/k8s, both read from dist/ alone (never from config/). Well-known
 * labels (zone, hostname,
 * Karpenter instance labels) are open; arch and capacity type only as the source allows. A toleration must match a
 * taint some source sets (Kubernetes' own taints excepted).
 */
export const nodePlacementCheck: ReferenceCheck = {
  id: 'node-placement',
  title:
    'nodeSelector, node affinity and tolerations match the labels and taints of a node group or NodePool',
  run(input) {
    const problems: Problem[] = [];
    let checked = 0;
    for (const environment of input.environments) {
      const sources = nodeSources(environment);
      const check = (placement: Placement, file: string, object: string, where: string): void => {
        checked += 1;
        for (const message of placementProblems(placement, sources)) {
          problems.push({ file, object, message: `${where}: ${message}` });
        }
      };
      for (const object of environment.objects) {
        for (const pod of podUses(object).filter((p) => p.checkPlacement)) {
          check(pod.placement, object.file, objectName(object), formatPath(pod.path));
        }
      }
      for (const release of environment.helmReleases) {
        for (const { path, placement } of helmPlacements(release)) {
          check(placement, release.resource.file, release.resource.address, valuesPath(path));
        }
      }
      for (const addon of resourcesOfType(environment, 'aws_eks_addon')) {
        for (const { path, placement } of addonPlacements(addon.values.configuration_values)) {
          check(placement, addon.file, addon.address, formatPath(['configuration_values', ...path]));
        }
      }
    }
    return { problems, checked, notes: [] };
  },
};
