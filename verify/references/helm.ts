/**
 * What the reference checks recognise in `helm_release` values. Charts are free-form, so this is a deliberate, small
 * set of patterns (documented in verify/README.md, "Reference checks"); anything else in the values is not read.
 */
import { formatPath } from '../problem';
import type { HelmRelease } from '../dist';
import type { Json, Segments } from './model';
import { asArray, asObject, at, isExpression, walkObjects } from './model';
import type { Placement } from './pods';
import { placementOf } from './pods';

/** A service account a release creates (`created`) or expects to exist (`created: false`). */
export interface HelmServiceAccount {
  readonly namespace: string;
  readonly name: string;
  /** Where in the values the name is written. */
  readonly path: Segments;
  readonly created: boolean;
  /** The `eks.amazonaws.com/role-arn` annotation of a created account, when set. */
  readonly roleArn?: string;
}

/** A Secret or ConfigMap the release's pods read but (as far as these patterns tell) the chart does not create. */
export interface HelmConfigReference {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly namespace: string;
  readonly name: string;
  readonly path: Segments;
}

/** One pod placement written in the values. */
export interface HelmPlacement {
  readonly path: Segments;
  readonly placement: Placement;
}

/** A manifest the release applies as is (`extraObjects`). */
export interface HelmExtraObject {
  readonly manifest: Json;
  readonly namespace: string;
  readonly path: Segments;
}

const ROLE_ARN = 'eks.amazonaws.com/role-arn';

/** Subtrees that are not values of the chart's own pods. */
function skipped(release: HelmRelease): (where: Segments) => boolean {
  return (where) =>
    where[0] === 'extraObjects' ||
    // JupyterHub: scheduling.* are inputs the chart merges into hub/proxy/user pods (see jupyterhubExtras).
    (release.chart === 'jupyterhub' && where[0] === 'scheduling');
}

/**
 * The namespaces the pods configured at `where` run in: the release namespace, except Argo Workflows' workflow
 * service account and workflow defaults (`controller.workflowNamespaces`) and the Spark Operator's job service account
 * (`spark.jobNamespaces`).
 */
function namespacesAt(release: HelmRelease, where: Segments): string[] {
  const list = (value: unknown): string[] => {
    const names = asArray(value).filter((v): v is string => typeof v === 'string' && v !== '');
    return names.length === 0 ? [release.namespace] : names;
  };
  if (
    release.chart === 'argo-workflows' &&
    (where[0] === 'workflow' || (where[0] === 'controller' && where[1] === 'workflowDefaults'))
  ) {
    return list(at(release.values, ['controller', 'workflowNamespaces']));
  }
  if (release.chart === 'spark-operator' && where[0] === 'spark') {
    return list(at(release.values, ['spark', 'jobNamespaces']));
  }
  return [release.namespace];
}

/** Whether a `serviceAccount` block without `create` makes the chart create the account (chart defaults). */
function createdByDefault(release: HelmRelease, where: Segments): boolean {
  // argo-workflows: `workflow.serviceAccount.create` defaults to false; every other recognised block to true.
  return !(release.chart === 'argo-workflows' && where[0] === 'workflow');
}

/**
 * Service accounts in the values: every `serviceAccount: {name, create?}` block (created unless `create: false`, at
 * the chart's default otherwise), and every `serviceAccountName: <name>` (a reference to an existing account).
 */
export function helmServiceAccounts(release: HelmRelease): HelmServiceAccount[] {
  const out: HelmServiceAccount[] = [];
  walkObjects(
    release.values,
    (object, where) => {
      const block = asObject(object.serviceAccount);
      if (
        block !== undefined &&
        typeof block.name === 'string' &&
        block.name !== '' &&
        !isExpression(block.name)
      ) {
        const created = typeof block.create === 'boolean' ? block.create : createdByDefault(release, where);
        const roleArn = asObject(block.annotations)?.[ROLE_ARN];
        for (const namespace of namespacesAt(release, where)) {
          out.push({
            namespace,
            name: block.name,
            path: [...where, 'serviceAccount', 'name'],
            created,
            ...(created && typeof roleArn === 'string' ? { roleArn } : {}),
          });
        }
      }
      const name = object.serviceAccountName;
      if (typeof name === 'string' && name !== '' && !isExpression(name)) {
        for (const namespace of namespacesAt(release, where)) {
          out.push({ namespace, name, path: [...where, 'serviceAccountName'], created: false });
        }
      }
    },
    skipped(release),
  );
  return out;
}

/**
 * Placements in the values: every mapping with `nodeSelector`, `tolerations` or `affinity` (Kubernetes shapes; an
 * `affinity` without `nodeAffinity.requiredDuringScheduling…` constrains nothing here). JupyterHub's hub and proxy
 * pods also get `scheduling.corePods.tolerations`, its user pods `scheduling.userPods.tolerations` and
 * `singleuser.extraTolerations`, and `matchNodePurpose: require` adds the `hub.jupyter.org/node-purpose` label.
 */
export function helmPlacements(release: HelmRelease): HelmPlacement[] {
  const out: HelmPlacement[] = [];
  walkObjects(
    release.values,
    (object, where) => {
      if (!['nodeSelector', 'tolerations', 'affinity'].some((key) => object[key] !== undefined)) return;
      const placement = placementOf(object.nodeSelector, object.tolerations, object.affinity);
      out.push({ path: where, placement: jupyterhubExtras(release, where, placement) });
    },
    skipped(release),
  );
  return out;
}

function jupyterhubExtras(release: HelmRelease, where: Segments, placement: Placement): Placement {
  if (release.chart !== 'jupyterhub') return placement;
  const user = where[0] === 'singleuser';
  const scheduling = asObject(at(release.values, ['scheduling', user ? 'userPods' : 'corePods'])) ?? {};
  const extra = placementOf(
    at(scheduling, ['nodeAffinity', 'matchNodePurpose']) === 'require'
      ? { 'hub.jupyter.org/node-purpose': user ? 'user' : 'core' }
      : {},
    [
      ...asArray(scheduling.tolerations),
      ...(user ? asArray(at(release.values, ['singleuser', 'extraTolerations'])) : []),
    ],
    undefined,
  );
  return {
    ...placement,
    nodeSelector: { ...extra.nodeSelector, ...placement.nodeSelector },
    tolerations: [...placement.tolerations, ...extra.tolerations],
  };
}

/**
 * Secrets and ConfigMaps the values name for the chart's pods to read: `secretKeyRef`/`configMapKeyRef` and
 * `secretRef`/`configMapRef` (not `optional: true`), volume sources `secret.secretName` and `configMap.name`,
 * `imagePullSecrets`, and Argo Workflows' SSO client Secret (`server.sso.clientId`/`clientSecret`).
 */
export function helmConfigReferences(release: HelmRelease): HelmConfigReference[] {
  const out: HelmConfigReference[] = [];
  const add = (kind: HelmConfigReference['kind'], name: unknown, path: Segments): void => {
    if (typeof name === 'string' && name !== '' && !isExpression(name)) {
      out.push({ kind, namespace: release.namespace, name, path });
    }
  };
  walkObjects(
    release.values,
    (object, where) => {
      for (const [key, kind] of [
        ['secretKeyRef', 'Secret'],
        ['secretRef', 'Secret'],
        ['configMapKeyRef', 'ConfigMap'],
        ['configMapRef', 'ConfigMap'],
      ] as const) {
        const ref = asObject(object[key]);
        if (ref !== undefined && ref.optional !== true) add(kind, ref.name, [...where, key, 'name']);
      }
      const secret = asObject(object.secret);
      if (secret !== undefined && secret.optional !== true)
        add('Secret', secret.secretName, [...where, 'secret', 'secretName']);
      const configMap = asObject(object.configMap);
      if (configMap !== undefined && configMap.optional !== true && typeof configMap.name === 'string') {
        add('ConfigMap', configMap.name, [...where, 'configMap', 'name']);
      }
      asArray(object.imagePullSecrets).forEach((item, i) =>
        add('Secret', typeof item === 'string' ? item : asObject(item)?.name, [
          ...where,
          'imagePullSecrets',
          i,
        ]),
      );
    },
    skipped(release),
  );
  if (release.chart === 'argo-workflows' && at(release.values, ['server', 'sso', 'enabled']) === true) {
    for (const key of ['clientId', 'clientSecret']) {
      add('Secret', at(release.values, ['server', 'sso', key, 'name']), ['server', 'sso', key, 'name']);
    }
  }
  return out;
}

/** Manifests listed in `extraObjects` (argo-cd, karpenter and many other charts apply them verbatim). */
export function helmExtraObjects(release: HelmRelease): HelmExtraObject[] {
  return asArray(release.values.extraObjects).flatMap((item, i): HelmExtraObject[] => {
    const manifest = asObject(item);
    if (manifest === undefined) return [];
    const namespace = asObject(manifest.metadata)?.namespace;
    return [
      {
        manifest,
        namespace: typeof namespace === 'string' && namespace !== '' ? namespace : release.namespace,
        path: ['extraObjects', i],
      },
    ];
  });
}

/** `values.<path>`: how problems point into a release's values. */
export function valuesPath(path: Segments): string {
  return formatPath(['values', ...path]);
}
