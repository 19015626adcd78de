import type { LoadedObject } from './k8s';
import type { Problem } from './problem';
import { formatPath } from './problem';

type Json = Record<string, unknown>;

interface WorkflowHolder {
  readonly loaded: LoadedObject;
  /** The workflow spec: `spec`, or `spec.workflowSpec` for a CronWorkflow. */
  readonly spec: Json;
  /** Path segments of `spec` inside the object. */
  readonly specPath: readonly string[];
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

// Argo resolves these when a workflow is submitted; checking them here turns a failed scheduled run into a red build.
const HOLDER_KINDS = new Set(['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow']);
// Words of a DAG `depends` expression that are not task names.
const DEPENDS_RESULTS = new Set([
  'Succeeded',
  'Failed',
  'Errored',
  'Skipped',
  'Omitted',
  'Daemoned',
  'AnySucceeded',
  'AllFailed',
]);

/**
 * Argo references inside one environment of dist/k8s: entrypoint and onExit name a template; DAG and steps tasks name
 * a template of the same workflow or, through `templateRef`, a template of a WorkflowTemplate (ClusterWorkflowTemplate
 * with `clusterScope`) defined in the same environment; `workflowTemplateRef` resolves; DAG dependencies name tasks of
 * the same DAG. Names holding Argo expressions (`{{…}}`) are resolved by Argo at run time, so they are skipped.
 */
export function checkArgoReferences(objects: readonly LoadedObject[]): Problem[] {
  return resolveArgoReferences(objects).problems;
}

/** {@link checkArgoReferences}, also counting the references it resolved (verify/references reports the count). */
export function resolveArgoReferences(objects: readonly LoadedObject[]): {
  problems: Problem[];
  checked: number;
} {
  const holders = objects.map(toHolder).filter((h): h is WorkflowHolder => h !== undefined);
  const problems: Problem[] = [];
  let checked = 0;
  for (const holder of holders) {
    const report = (where: readonly (string | number)[], message: string): void => {
      problems.push({
        file: holder.loaded.file,
        object: holder.loaded.label,
        message: `${formatPath([...holder.specPath, ...where])}: ${message}`,
      });
    };
    const find = (kind: string, name: string): WorkflowHolder | undefined =>
      holders.find(
        (h) =>
          h.loaded.env === holder.loaded.env &&
          h.kind === kind &&
          h.name === name &&
          (kind === 'ClusterWorkflowTemplate' || sameNamespace(h, holder)),
      );
    const resolveRef = (
      ref: Json,
      where: readonly (string | number)[],
      needTemplate: boolean,
    ): WorkflowHolder | undefined => {
      const kind = ref.clusterScope === true ? 'ClusterWorkflowTemplate' : 'WorkflowTemplate';
      if (typeof ref.name !== 'string' || ref.name.includes('{{')) {
        return undefined;
      }
      checked += 1;
      const target = find(kind, ref.name);
      if (target === undefined) {
        const defined = holders
          .filter((h) => h.loaded.env === holder.loaded.env && h.kind === kind)
          .map((h) => h.name);
        report(
          [...where, 'name'],
          `${kind} "${ref.name}" is not defined in this environment; ${listing(`${kind}s`, defined)}`,
        );
        return undefined;
      }
      if (needTemplate && typeof ref.template === 'string' && !ref.template.includes('{{')) {
        checked += 1;
        const names = templateNames(target.spec);
        if (!names.includes(ref.template)) {
          report(
            [...where, 'template'],
            `${kind} "${ref.name}" has no template "${ref.template}"; ${listing('its templates', names)}`,
          );
        }
      }
      return target;
    };

    const workflowRef = asObject(holder.spec.workflowTemplateRef);
    const referenced =
      workflowRef === undefined ? undefined : resolveRef(workflowRef, ['workflowTemplateRef'], false);
    const available = [
      ...templateNames(holder.spec),
      ...(referenced === undefined ? [] : templateNames(referenced.spec)),
    ];
    // With an unresolved workflowTemplateRef the templates are unknown; its own problem is enough.
    const templatesKnown = workflowRef === undefined || referenced !== undefined;
    const checkLocal = (name: unknown, where: readonly (string | number)[]): void => {
      if (!templatesKnown || typeof name !== 'string' || name.includes('{{')) {
        return;
      }
      checked += 1;
      if (!available.includes(name)) {
        report(
          where,
          `"${name}" is not a template of this ${holder.kind}; ${listing('defined templates', available)}`,
        );
      }
    };
    checkLocal(holder.spec.entrypoint, ['entrypoint']);
    checkLocal(holder.spec.onExit, ['onExit']);

    const checkTask = (task: Json, where: readonly (string | number)[]): void => {
      const templateRef = asObject(task.templateRef);
      if (templateRef !== undefined) {
        resolveRef(templateRef, [...where, 'templateRef'], true);
      } else if (task.inline === undefined) {
        checkLocal(task.template, [...where, 'template']);
      }
    };
    asArray(holder.spec.templates).forEach((template, t) => {
      const dag = asObject(asObject(template)?.dag);
      const tasks = asArray(dag?.tasks).map(asObject);
      const taskNames = tasks.map((task) => task?.name).filter((n): n is string => typeof n === 'string');
      tasks.forEach((task, i) => {
        if (task === undefined) {
          return;
        }
        const where = ['templates', t, 'dag', 'tasks', i];
        checkTask(task, where);
        const dependencies = [
          ...asArray(task.dependencies).map((d, j) => ({ name: d, at: [...where, 'dependencies', j] })),
          ...dependsNames(task.depends).map((d) => ({ name: d, at: [...where, 'depends'] })),
        ];
        for (const { name, at } of dependencies) {
          if (typeof name !== 'string' || name.includes('{{')) {
            continue;
          }
          checked += 1;
          if (!taskNames.includes(name)) {
            report(at, `task "${name}" is not in this DAG; ${listing('its tasks', taskNames)}`);
          }
        }
      });
      asArray(asObject(template)?.steps).forEach((group, g) => {
        asArray(group).forEach((step, s) => {
          const stepObject = asObject(step);
          if (stepObject !== undefined) {
            checkTask(stepObject, ['templates', t, 'steps', g, s]);
          }
        });
      });
    });
  }
  return { problems, checked };
}

function toHolder(loaded: LoadedObject): WorkflowHolder | undefined {
  const { apiVersion, kind, metadata, spec } = loaded.object as Json;
  if (typeof apiVersion !== 'string' || !apiVersion.startsWith('argoproj.io/') || typeof kind !== 'string') {
    return undefined;
  }
  if (!HOLDER_KINDS.has(kind)) {
    return undefined;
  }
  const { name, namespace } = (asObject(metadata) ?? {}) as { name?: unknown; namespace?: unknown };
  const workflowSpec = kind === 'CronWorkflow' ? asObject(asObject(spec)?.workflowSpec) : asObject(spec);
  if (typeof name !== 'string' || workflowSpec === undefined) {
    return undefined;
  }
  return {
    loaded,
    spec: workflowSpec,
    specPath: kind === 'CronWorkflow' ? ['spec', 'workflowSpec'] : ['spec'],
    kind,
    name,
    namespace: typeof namespace === 'string' ? namespace : undefined,
  };
}

/** Objects without a namespace get the Argo CD destination's, so only two explicit, different namespaces mismatch. */
function sameNamespace(a: WorkflowHolder, b: WorkflowHolder): boolean {
  return a.namespace === undefined || b.namespace === undefined || a.namespace === b.namespace;
}

function templateNames(spec: Json): string[] {
  return asArray(spec.templates)
    .map((template) => asObject(template)?.name)
    .filter((name): name is string => typeof name === 'string');
}

/** Task names in a `depends` expression such as `(extract.Succeeded || extract.Skipped) && !load.Failed`. */
export function dependsNames(depends: unknown): string[] {
  if (typeof depends !== 'string' || depends.includes('{{')) {
    return [];
  }
  const names = depends
    .split(/&&|\|\||[!()\s]+/)
    .map((word) => word.trim())
    .filter((word) => word !== '')
    .map((word) => word.split('.')[0])
    .filter((word) => !DEPENDS_RESULTS.has(word));
  return [...new Set(names)];
}

function listing(what: string, names: readonly string[]): string {
  return names.length === 0
    ? `there are no ${what.replace(/^(its|defined) /, '')}`
    : `${what}: ${[...names].sort().join(', ')}`;
}

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}
