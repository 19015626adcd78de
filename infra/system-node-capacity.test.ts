import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { SYSTEM_NODE_LABEL, loadEnvironments } from '../config';
import {
  EKS_ADDON_PODS,
  SYSTEM_INSTANCE_CAPACITY,
  allocatable,
  cpuMillis,
  memoryMiB,
} from './constructs/system-capacity';

/**
 * The system node group holds what the platform requests, computed from dist/ alone: every Helm component whose
 * placement selects the system nodes (replicas × requests from the rendered values), every Deployment of dist/k8s
 * that does, the EKS add-ons (their default requests: the only input not in dist/), and the per-node DaemonSets.
 */
const DIST = path.resolve(__dirname, '../dist');

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};

interface Requested {
  readonly name: string;
  readonly cpu: number;
  readonly memory: number;
  readonly perNode: boolean;
}

/** Charts whose pods run on every node (DaemonSets): their requests reduce each node's capacity. */
const DAEMONSET_CHARTS = new Set(['aws-for-fluent-bit']);

/** Components of the rendered values: objects with `resources.requests`, their replicas and effective nodeSelector. */
function helmPods(chart: string, values: Json): Requested[] {
  const out: Requested[] = [];
  const globalSelector = obj(obj(values.global).nodeSelector);
  const walk = (node: Json, where: string[], inherited: Json): void => {
    const selector = Object.keys(obj(node.nodeSelector)).length > 0 ? obj(node.nodeSelector) : inherited;
    const requests = obj(obj(node.resources).requests);
    if (typeof requests.cpu === 'string' && typeof requests.memory === 'string') {
      const effective = Object.keys(selector).length > 0 ? selector : globalSelector;
      if (effective[SYSTEM_NODE_LABEL.key] === SYSTEM_NODE_LABEL.value || DAEMONSET_CHARTS.has(chart)) {
        // `replicas` / `replicaCount` on the component, else at the chart root (Karpenter's controller), else 1.
        const own = node.replicas ?? node.replicaCount;
        const root = where.length > 0 ? (values.replicas ?? values.replicaCount) : undefined;
        const replicas = typeof own === 'number' ? own : typeof root === 'number' ? root : 1;
        for (let i = 0; i < (DAEMONSET_CHARTS.has(chart) ? 1 : replicas); i++) {
          out.push({
            name: `${chart}/${where.join('.') || '(root)'}`,
            cpu: cpuMillis(requests.cpu),
            memory: memoryMiB(requests.memory),
            perNode: DAEMONSET_CHARTS.has(chart),
          });
        }
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'resources' || key === 'extraObjects') continue;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        walk(value as Json, [...where, key], selector);
      }
    }
  };
  walk(values, [], obj(values.nodeSelector));
  return out;
}

function platformPods(env: string): Requested[] {
  const file = path.join(DIST, 'terraform', 'stacks', `${env}-platform`, 'cdk.tf.json');
  const releases = obj(obj(JSON.parse(fs.readFileSync(file, 'utf8')) as Json).resource).helm_release;
  return Object.values(obj(releases)).flatMap((release) => {
    const r = obj(release);
    const values = (r.values as string[]).reduce((merged, text) => ({ ...merged, ...obj(parse(text)) }), {});
    return helmPods(r.chart as string, values);
  });
}

function k8sPods(env: string): Requested[] {
  const dir = path.join(DIST, 'k8s', env);
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /(^|\/)Deployment\.[^/]+\.yaml$/.test(f))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => obj(d.toJS())))
    .flatMap((deployment) => {
      const spec = obj(obj(obj(deployment.spec).template).spec);
      if (obj(spec.nodeSelector)[SYSTEM_NODE_LABEL.key] !== SYSTEM_NODE_LABEL.value) return [];
      const replicas =
        typeof obj(deployment.spec).replicas === 'number' ? (obj(deployment.spec).replicas as number) : 1;
      const containers = (spec.containers as Json[]).map((c) => obj(obj(c.resources).requests));
      const one = {
        name: `k8s/${String(obj(deployment.metadata).name)}`,
        cpu: containers.reduce((n, r) => n + (typeof r.cpu === 'string' ? cpuMillis(r.cpu) : 0), 0),
        memory: containers.reduce((n, r) => n + (typeof r.memory === 'string' ? memoryMiB(r.memory) : 0), 0),
        perNode: false,
      };
      return Array.from({ length: replicas }, () => one);
    });
}

function nodeGroup(env: string): { instanceType: string; minSize: number } {
  const file = path.join(DIST, 'terraform', 'stacks', `${env}-cluster`, 'cdk.tf.json');
  const groups = Object.values(
    obj(obj(obj(JSON.parse(fs.readFileSync(file, 'utf8')) as Json).resource).aws_eks_node_group),
  );
  expect(groups).toHaveLength(1);
  const group = obj(groups[0]);
  return {
    instanceType: (group.instance_types as string[])[0],
    minSize: obj(group.scaling_config).min_size as number,
  };
}

describe('the system node group holds the platform requests of dist/', () => {
  for (const env of loadEnvironments()) {
    test(`${env.name}: the requests fit on min_size nodes, and with one node lost when highly available`, () => {
      const pods = [
        ...platformPods(env.name),
        ...k8sPods(env.name),
        ...EKS_ADDON_PODS.flatMap((p) =>
          p.replicas === 'per-node'
            ? [{ name: p.name, cpu: p.cpu, memory: p.memory, perNode: true }]
            : Array.from({ length: p.replicas }, () => ({
                name: p.name,
                cpu: p.cpu,
                memory: p.memory,
                perNode: false,
              })),
        ),
      ];
      const names = new Set(pods.map((p) => p.name.split('/')[0]));
      // Every release and the History Server contribute: the extraction found them.
      for (const expected of [
        'argo-cd',
        'argo-workflows',
        'jupyterhub',
        'karpenter',
        'spark-operator',
        'k8s',
      ]) {
        expect(names, expected).toContain(expected);
      }
      const { instanceType, minSize } = nodeGroup(env.name);
      const node = allocatable(SYSTEM_INSTANCE_CAPACITY[instanceType]);
      const perNode = pods.filter((p) => p.perNode);
      const spread = pods.filter((p) => !p.perNode);
      const sum = (list: Requested[], key: 'cpu' | 'memory') => list.reduce((n, p) => n + p[key], 0);
      const free = {
        cpu: node.cpu - sum(perNode, 'cpu'),
        memory: node.memory - sum(perNode, 'memory'),
        pods: node.pods - perNode.length,
      };
      // Highly available environments run two replicas of their web and webhook components.
      const highlyAvailable =
        spread.some((p) => p.name === 'argo-workflows/server') &&
        spread.filter((p) => p.name === 'argo-workflows/server').length > 1;
      const usable = minSize - (highlyAvailable ? 1 : 0);
      const requested = { cpu: sum(spread, 'cpu'), memory: sum(spread, 'memory'), pods: spread.length };
      expect(requested.cpu, `CPU requested on ${usable} × ${instanceType}`).toBeLessThanOrEqual(
        usable * free.cpu,
      );
      expect(requested.memory, `memory requested on ${usable} × ${instanceType}`).toBeLessThanOrEqual(
        usable * free.memory,
      );
      expect(requested.pods, `pods on ${usable} × ${instanceType}`).toBeLessThanOrEqual(usable * free.pods);
      if (env.name === 'prod') {
        // The case of the review: about 4.7 vCPU requested in prod, more than 2 × m7g.large hold.
        expect(requested.cpu).toBeGreaterThan(2 * free.cpu);
      }
    });
  }
});
