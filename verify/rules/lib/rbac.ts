import { blocks, record, show, strings } from './values';

/** One RBAC policy rule. */
export interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** The rules of a Role or ClusterRole; undefined for other objects. */
export function rbacRules(manifest: Readonly<Record<string, unknown>>): RbacRule[] | undefined {
  if (
    (manifest.kind !== 'Role' && manifest.kind !== 'ClusterRole') ||
    manifest.apiVersion !== 'rbac.authorization.k8s.io/v1'
  ) {
    return undefined;
  }
  return blocks(manifest.rules).map((r) => ({
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    verbs: strings(r.verbs),
    nonResourceURLs: strings(r.nonResourceURLs),
  }));
}

/** True for a RoleBinding or ClusterRoleBinding. */
export function isBinding(manifest: Readonly<Record<string, unknown>>): boolean {
  return (
    (manifest.kind === 'RoleBinding' || manifest.kind === 'ClusterRoleBinding') &&
    manifest.apiVersion === 'rbac.authorization.k8s.io/v1'
  );
}

/** The roleRef of a binding. */
export function roleRef(manifest: Readonly<Record<string, unknown>>): { kind: string; name: string } {
  const ref = record(manifest.roleRef);
  return { kind: show(ref.kind ?? ''), name: show(ref.name ?? '') };
}
