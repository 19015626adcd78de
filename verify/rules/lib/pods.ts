import { formatPath } from '../../problem';
import { blocks, record, show, text } from './values';
import type { KubernetesObject } from '../../dist';
import type { RuleResult } from './rule';
import { notApplicable, verdict } from './rule';

/** One container of a pod, with what the pod-security rules read. */
export interface PodContainer {
  /** Where it is, for messages: `driver container spark-kubernetes-driver`, `templates[2] (load) container main`. */
  readonly where: string;
  readonly image?: string;
  /** The container's securityContext (empty when absent). */
  readonly securityContext: Record<string, unknown>;
  /** requests and limits (empty when absent). */
  readonly resources: {
    readonly requests: Record<string, unknown>;
    readonly limits: Record<string, unknown>;
  };
}

/** A pod an object creates, normalized across workload kinds, Spark roles and Argo templates. */
export interface PodShape {
  /** Where the pod spec is, for messages (`spec.template.spec`, `driver`, `templates[1] (run)`). */
  readonly where: string;
  /** The pod-level securityContext (empty when absent). */
  readonly securityContext: Record<string, unknown>;
  readonly containers: readonly PodContainer[];
  readonly volumes: readonly Record<string, unknown>[];
  readonly hostNetwork: boolean;
  readonly hostPID: boolean;
  readonly hostIPC: boolean;
  readonly nodeSelector: Record<string, unknown>;
  readonly affinity: Record<string, unknown>;
}

/** Kinds whose pod template sits at `spec.template.spec`. */
const TEMPLATED = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'ReplicationController',
]);
/** Argo kinds and where their workflow spec sits. */
const ARGO_SPECS: Readonly<Record<string, readonly string[]>> = {
  Workflow: ['spec'],
  WorkflowTemplate: ['spec'],
  ClusterWorkflowTemplate: ['spec'],
  CronWorkflow: ['spec', 'workflowSpec'],
};

/** True for the Spark Operator and Argo API groups (not some other CRD that happens to use the kind name). */
function isGroup(manifest: Readonly<Record<string, unknown>>, group: string): boolean {
  return typeof manifest.apiVersion === 'string' && manifest.apiVersion.startsWith(`${group}/`);
}

/**
 * Every pod an object defines: Pod, the workload controllers (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 * CronJob), SparkApplication and ScheduledSparkApplication (driver and executor), and Argo Workflow, WorkflowTemplate,
 * ClusterWorkflowTemplate and CronWorkflow (each container, script and containerSet template). Empty for other kinds.
 */
export function podsOf(manifest: Readonly<Record<string, unknown>>): readonly PodShape[] {
  // Every pod rule asks for the same object's pods: derived once per manifest (rules never change a manifest).
  let pods = PODS.get(manifest);
  if (pods === undefined) {
    pods = derivePods(manifest);
    PODS.set(manifest, pods);
  }
  return pods;
}

const PODS = new WeakMap<object, readonly PodShape[]>();

function derivePods(manifest: Readonly<Record<string, unknown>>): PodShape[] {
  const kind = manifest.kind;
  const spec = record(manifest.spec);
  if (kind === 'Pod' && manifest.apiVersion === 'v1') {
    return [podFromSpec('spec', spec)];
  }
  if (typeof kind === 'string' && TEMPLATED.has(kind)) {
    return [podFromSpec('spec.template.spec', record(record(spec.template).spec))];
  }
  if (kind === 'CronJob') {
    return [
      podFromSpec(
        'spec.jobTemplate.spec.template.spec',
        record(record(record(record(spec.jobTemplate).spec).template).spec),
      ),
    ];
  }
  if (isGroup(manifest, 'sparkoperator.k8s.io')) {
    if (kind === 'SparkApplication') return sparkPods(spec);
    if (kind === 'ScheduledSparkApplication') return sparkPods(record(spec.template), 'spec.template.');
  }
  if (typeof kind === 'string' && ARGO_SPECS[kind] !== undefined && isGroup(manifest, 'argoproj.io')) {
    let workflowSpec: unknown = manifest;
    for (const key of ARGO_SPECS[kind]) workflowSpec = record(workflowSpec)[key];
    return argoPods(record(workflowSpec));
  }
  return [];
}

function resourcesOf(value: unknown): PodContainer['resources'] {
  const resources = record(value);
  return { requests: record(resources.requests), limits: record(resources.limits) };
}

function container(where: string, value: Record<string, unknown>): PodContainer {
  const image = text(value.image);
  return {
    where,
    ...(image === undefined ? {} : { image }),
    securityContext: record(value.securityContext),
    resources: resourcesOf(value.resources),
  };
}

function podFromSpec(where: string, spec: Record<string, unknown>): PodShape {
  const containers = (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((field) =>
    blocks(spec[field]).map((c, i) =>
      container(`${where}.${field}[${i}]${typeof c.name === 'string' ? ` (${c.name})` : ''}`, c),
    ),
  );
  return {
    where,
    securityContext: record(spec.securityContext),
    containers,
    volumes: blocks(spec.volumes),
    hostNetwork: spec.hostNetwork === true,
    hostPID: spec.hostPID === true,
    hostIPC: spec.hostIPC === true,
    nodeSelector: record(spec.nodeSelector),
    affinity: record(spec.affinity),
  };
}

/**
 * The driver and executor pods of a SparkApplication spec. The Spark Operator builds them from the role's fields, over
 * its optional pod `template`: securityContext and podSecurityContext, image (else `spec.image`), cores/coreRequest and
 * coreLimit (CPU request and limit), memory (request; Spark sets the limit to memory plus overhead) or memoryLimit.
 */
export function sparkPods(spec: Record<string, unknown>, prefix = ''): PodShape[] {
  return (['driver', 'executor'] as const).map((role) => {
    const r = record(spec[role]);
    const templateSpec = record(record(r.template).spec);
    const main = record(blocks(templateSpec.containers)[0]);
    const cpuRequest = r.coreRequest ?? r.cores;
    const memory = text(r.memory);
    const image = text(r.image) ?? text(spec.image) ?? text(main.image);
    const where = `${prefix}${role}`;
    const mainContainer: PodContainer = {
      where: `${where} container`,
      ...(image === undefined ? {} : { image }),
      securityContext: record(r.securityContext ?? main.securityContext),
      resources: {
        requests: {
          ...(cpuRequest === undefined ? {} : { cpu: show(cpuRequest) }),
          ...(memory === undefined ? {} : { memory }),
        },
        limits: {
          ...(r.coreLimit === undefined ? {} : { cpu: show(r.coreLimit) }),
          ...(text(r.memoryLimit) !== undefined || memory !== undefined
            ? { memory: text(r.memoryLimit) ?? memory }
            : {}),
        },
      },
    };
    const extra = (['initContainers', 'sidecars'] as const).flatMap((field) =>
      blocks(r[field]).map((c, i) =>
        container(`${where}.${field}[${i}]${typeof c.name === 'string' ? ` (${c.name})` : ''}`, c),
      ),
    );
    return {
      where,
      securityContext: record(r.podSecurityContext ?? templateSpec.securityContext),
      containers: [mainContainer, ...extra],
      volumes: [...blocks(spec.volumes), ...blocks(templateSpec.volumes)],
      hostNetwork: r.hostNetwork === true || templateSpec.hostNetwork === true,
      hostPID: templateSpec.hostPID === true,
      hostIPC: templateSpec.hostIPC === true,
      nodeSelector: {
        ...record(spec.nodeSelector),
        ...record(templateSpec.nodeSelector),
        ...record(r.nodeSelector),
      },
      affinity: record(r.affinity ?? templateSpec.affinity),
    };
  });
}

/**
 * The pods of an Argo workflow spec: one per container, script or containerSet template, with the template's
 * init containers and sidecars. Template fields win over `templateDefaults`, which win over the workflow-level
 * securityContext, nodeSelector and affinity. Argo's own executor containers are configured in the controller.
 */
export function argoPods(spec: Record<string, unknown>): PodShape[] {
  const defaults = record(spec.templateDefaults);
  const pods: PodShape[] = [];
  blocks(spec.templates).forEach((t, i) => {
    const name = typeof t.name === 'string' ? ` (${t.name})` : '';
    const where = `${formatPath(['templates', i])}${name}`;
    const main: PodContainer[] = [];
    if (t.container !== undefined) {
      main.push(container(`${where} container`, { ...record(defaults.container), ...record(t.container) }));
    }
    if (t.script !== undefined) {
      main.push(container(`${where} script`, { ...record(defaults.script), ...record(t.script) }));
    }
    blocks(record(t.containerSet).containers).forEach((c, j) => {
      main.push(container(`${where} containerSet.containers[${j}]`, c));
    });
    if (main.length === 0) return;
    const extra = (['initContainers', 'sidecars'] as const).flatMap((field) =>
      blocks(t[field]).map((c, j) => container(`${where} ${field}[${j}]`, c)),
    );
    pods.push({
      where,
      securityContext: record(t.securityContext ?? defaults.securityContext ?? spec.securityContext),
      containers: [...main, ...extra],
      volumes: [...blocks(spec.volumes), ...blocks(t.volumes)],
      hostNetwork: spec.hostNetwork === true,
      hostPID: false,
      hostIPC: false,
      nodeSelector: record(t.nodeSelector ?? defaults.nodeSelector ?? spec.nodeSelector),
      affinity: record(t.affinity ?? defaults.affinity ?? spec.affinity),
    });
  });
  return pods;
}

/** The effective value of a securityContext field: the container's, else the pod's. */
export function effective(pod: PodShape, c: PodContainer, field: string): unknown {
  return c.securityContext[field] ?? pod.securityContext[field];
}

/**
 * Applies a per-pod check to every pod of a Kubernetes object: not applicable when the object defines no pod,
 * otherwise compliant or non-compliant with every failure the check returned.
 */
export function evaluatePods(
  object: KubernetesObject,
  check: (pod: PodShape) => readonly string[],
): RuleResult {
  const pods = podsOf(object.manifest);
  if (pods.length === 0) return notApplicable();
  return verdict(pods.flatMap((pod) => [...check(pod)]));
}

/** Applies a per-container check to every container of every pod of a Kubernetes object. */
export function evaluateContainers(
  object: KubernetesObject,
  check: (pod: PodShape, container: PodContainer) => string | undefined,
): RuleResult {
  return evaluatePods(object, (pod) =>
    pod.containers.flatMap((c) => {
      const failure = check(pod, c);
      return failure === undefined ? [] : [`${c.where}: ${failure}`];
    }),
  );
}
