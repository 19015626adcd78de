import type { Json, Segments } from './model';
import { asArray, asObject, at, namespaceOf } from './model';
import type { KubernetesObject } from '../dist';

/** A toleration as a pod spec writes it. */
export interface Toleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
}

/** One `matchExpressions` entry of a required node affinity term. */
export interface NodeExpression {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

/** Where a pod may run: its nodeSelector, tolerations and required node affinity (terms are ORed). */
export interface Placement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`; undefined when there is none. */
  readonly terms?: readonly (readonly NodeExpression[])[];
}

/** A service account a pod (or the Argo executor of a workflow) runs as. */
export interface ServiceAccountUse {
  readonly name: string;
  /** Where the name is written. */
  readonly path: Segments;
}

/** One pod an object creates (a Deployment's template, a Spark driver, an Argo template…). */
export interface PodUse {
  /** Which pod: `spec.template.spec`, `spec.driver`, `spec.templates[1]`. */
  readonly path: Segments;
  readonly namespace: string;
  readonly serviceAccounts: readonly ServiceAccountUse[];
  readonly placement: Placement;
  /** False for an Argo workflow's own settings when its templates (checked one by one) already apply them. */
  readonly checkPlacement: boolean;
}

const WORKLOAD_POD_SPEC: Readonly<Record<string, Segments>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Argo template types that run a pod (`http` and `plugin` run in the shared agent pod, `dag`/`steps`/`suspend` in none). */
const ARGO_POD_TEMPLATES = ['container', 'script', 'resource', 'containerSet', 'data'];
const ARGO_HOLDERS = new Set(['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow']);

/**
 * The pods an object creates, with the service accounts they run as and their placement:
 * - core workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob): the pod template;
 * - SparkApplication (and ScheduledSparkApplication's `spec.template`): driver and executor, merging `spec.nodeSelector`,
 *   the role's `template.spec` (pod template), the role's own fields and `spark.kubernetes[.<role>].node.selector.*`;
 * - Argo Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow: each template that runs a pod, with the
 *   template's nodeSelector/tolerations/affinity, or the workflow's when the template sets none (Argo's rule), and
 *   `spec.serviceAccountName` / the template's `serviceAccountName` and executor service account.
 */
export function podUses(object: KubernetesObject): readonly PodUse[] {
  // Several reference checks walk the same object's pods: derived once per object (checks never change one).
  let uses = POD_USES.get(object);
  if (uses === undefined) {
    uses = derivePodUses(object);
    POD_USES.set(object, uses);
  }
  return uses;
}

const POD_USES = new WeakMap<KubernetesObject, readonly PodUse[]>();

function derivePodUses(object: KubernetesObject): PodUse[] {
  const { manifest } = object;
  const kind = typeof manifest.kind === 'string' ? manifest.kind : '';
  const apiVersion = typeof manifest.apiVersion === 'string' ? manifest.apiVersion : '';
  const namespace = namespaceOf(object);
  if (apiVersion.startsWith('sparkoperator.k8s.io/')) {
    if (kind === 'SparkApplication') return sparkPods(asObject(manifest.spec) ?? {}, ['spec'], namespace);
    if (kind === 'ScheduledSparkApplication') {
      return sparkPods(asObject(at(manifest, ['spec', 'template'])) ?? {}, ['spec', 'template'], namespace);
    }
    return [];
  }
  if (isArgoHolder(manifest)) return argoPods(manifest, namespace);
  const specPath = WORKLOAD_POD_SPEC[kind];
  const spec =
    specPath === undefined || apiVersion.includes('argoproj') ? undefined : asObject(at(manifest, specPath));
  if (specPath === undefined || spec === undefined) return [];
  return [
    {
      path: specPath,
      namespace,
      serviceAccounts: podSpecServiceAccounts(spec, specPath),
      placement: placementOf(spec.nodeSelector, spec.tolerations, spec.affinity),
      checkPlacement: true,
    },
  ];
}

function isArgoHolder(manifest: Readonly<Json>): boolean {
  return (
    typeof manifest.apiVersion === 'string' &&
    manifest.apiVersion.startsWith('argoproj.io/') &&
    typeof manifest.kind === 'string' &&
    ARGO_HOLDERS.has(manifest.kind)
  );
}

function podSpecServiceAccounts(spec: Json, where: Segments): ServiceAccountUse[] {
  for (const key of ['serviceAccountName', 'serviceAccount']) {
    const name = spec[key];
    if (typeof name === 'string' && name !== '') return [{ name, path: [...where, key] }];
  }
  return [];
}

function sparkPods(spec: Json, specPath: Segments, namespace: string): PodUse[] {
  const sparkConf = asObject(spec.sparkConf) ?? {};
  return (['driver', 'executor'] as const).flatMap((role): PodUse[] => {
    const roleSpec = asObject(spec[role]);
    if (roleSpec === undefined) return [];
    const rolePath = [...specPath, role];
    const template = asObject(at(roleSpec, ['template', 'spec'])) ?? {};
    const serviceAccounts: ServiceAccountUse[] = [
      ...(typeof roleSpec.serviceAccount === 'string' && roleSpec.serviceAccount !== ''
        ? [{ name: roleSpec.serviceAccount, path: [...rolePath, 'serviceAccount'] }]
        : []),
      ...podSpecServiceAccounts(template, [...rolePath, 'template', 'spec']),
    ];
    const fromConf: Record<string, string> = {};
    for (const [key, value] of Object.entries(sparkConf)) {
      const match = /^spark\.kubernetes\.(?:(driver|executor)\.)?node\.selector\.(.+)$/.exec(key);
      if (match !== null && (match[1] === undefined || match[1] === role) && typeof value === 'string') {
        fromConf[match[2]] = value;
      }
    }
    const nodeSelector = {
      ...stringMap(spec.nodeSelector),
      ...stringMap(template.nodeSelector),
      ...stringMap(roleSpec.nodeSelector),
      ...fromConf,
    };
    const tolerations = [...asArray(template.tolerations), ...asArray(roleSpec.tolerations)];
    return [
      {
        path: rolePath,
        namespace,
        serviceAccounts,
        placement: placementOf(nodeSelector, tolerations, roleSpec.affinity ?? template.affinity),
        checkPlacement: true,
      },
    ];
  });
}

function argoPods(manifest: Readonly<Json>, namespace: string): PodUse[] {
  const cron = manifest.kind === 'CronWorkflow';
  const specPath: Segments = cron ? ['spec', 'workflowSpec'] : ['spec'];
  const spec = asObject(at(manifest, specPath)) ?? {};
  const workflowAccounts = [
    ...podSpecServiceAccounts(spec, specPath),
    ...podSpecServiceAccounts(asObject(spec.executor) ?? {}, [...specPath, 'executor']),
  ];
  const pods: PodUse[] = [];
  asArray(spec.templates).forEach((value, i) => {
    const template = asObject(value);
    if (template === undefined || !ARGO_POD_TEMPLATES.some((type) => template[type] !== undefined)) return;
    const where = [...specPath, 'templates', i];
    const own = [
      ...podSpecServiceAccounts(template, where),
      ...podSpecServiceAccounts(asObject(template.executor) ?? {}, [...where, 'executor']),
    ];
    pods.push({
      path: where,
      namespace,
      // The workflow-level account is reported once, below, not once per template.
      serviceAccounts: own,
      placement: placementOf(
        template.nodeSelector ?? spec.nodeSelector,
        template.tolerations ?? spec.tolerations,
        template.affinity ?? spec.affinity,
      ),
      checkPlacement: true,
    });
  });
  const workflowPlacement = [spec.nodeSelector, spec.tolerations, spec.affinity].some((v) => v !== undefined);
  if (workflowAccounts.length > 0 || (pods.length === 0 && workflowPlacement)) {
    // The workflow's own settings: its pods (or, through workflowTemplateRef, the referenced template's) use them.
    pods.push({
      path: specPath,
      namespace,
      serviceAccounts: workflowAccounts,
      placement: placementOf(spec.nodeSelector, spec.tolerations, spec.affinity),
      checkPlacement: pods.length === 0 && workflowPlacement,
    });
  }
  return pods;
}

/** Parses nodeSelector, tolerations and affinity as a pod spec writes them. */
export function placementOf(nodeSelector: unknown, tolerations: unknown, affinity: unknown): Placement {
  const required = asObject(
    at(affinity, ['nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution']),
  )?.nodeSelectorTerms;
  const terms = Array.isArray(required)
    ? asArray(required).map((term) =>
        asArray(asObject(term)?.matchExpressions).flatMap((e): NodeExpression[] => {
          const expression = asObject(e);
          if (typeof expression?.key !== 'string' || typeof expression.operator !== 'string') return [];
          return [
            {
              key: expression.key,
              operator: expression.operator,
              values: asArray(expression.values).filter((v): v is string => typeof v === 'string'),
            },
          ];
        }),
      )
    : undefined;
  return {
    nodeSelector: stringMap(nodeSelector),
    tolerations: asArray(tolerations).flatMap((t): Toleration[] => {
      const toleration = asObject(t);
      if (toleration === undefined) return [];
      const text = (key: string): string | undefined =>
        typeof toleration[key] === 'string' ? toleration[key] : undefined;
      return [{ key: text('key'), operator: text('operator'), value: text('value'), effect: text('effect') }];
    }),
    ...(terms === undefined ? {} : { terms }),
  };
}

/** Whether a placement says anything (a pod with none may still be unschedulable when every node is tainted). */
export function isEmptyPlacement(placement: Placement): boolean {
  return (
    Object.keys(placement.nodeSelector).length === 0 &&
    placement.tolerations.length === 0 &&
    placement.terms === undefined
  );
}

function stringMap(value: unknown): Record<string, string> {
  const object = asObject(value) ?? {};
  return Object.fromEntries(
    Object.entries(object).flatMap(([k, v]) =>
      typeof v === 'string'
        ? [[k, v]]
        : typeof v === 'number' || typeof v === 'boolean'
          ? [[k, String(v)]]
          : [],
    ),
  );
}
