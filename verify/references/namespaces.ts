import type { Problem } from '../problem';
import { formatPath } from '../problem';
import { namespacesCreated } from './inventory';
import type { DistEnvironment } from '../dist';
import type { ReferenceCheck } from './model';
import { asArray, asObject, isExpression, listing, objectName, resourcesOfType } from './model';

interface NamespaceUse {
  readonly namespace: string;
  readonly file: string;
  readonly object: string;
  readonly where: string;
}

function uses(environment: DistEnvironment): NamespaceUse[] {
  const out: NamespaceUse[] = [];
  for (const object of environment.objects) {
    const namespace = asObject(object.manifest.metadata)?.namespace;
    if (typeof namespace === 'string' && namespace !== '') {
      out.push({ namespace, file: object.file, object: objectName(object), where: 'metadata.namespace' });
    }
    if (object.manifest.kind === 'RoleBinding' || object.manifest.kind === 'ClusterRoleBinding') {
      asArray(object.manifest.subjects).forEach((value, i) => {
        const subject = asObject(value);
        if (typeof subject?.namespace === 'string' && subject.namespace !== '') {
          out.push({
            namespace: subject.namespace,
            file: object.file,
            object: objectName(object),
            where: formatPath(['subjects', i, 'namespace']),
          });
        }
      });
    }
  }
  for (const release of environment.helmReleases.filter((r) => !r.createNamespace)) {
    out.push({
      namespace: release.namespace,
      file: release.resource.file,
      object: release.resource.address,
      where: 'namespace (create_namespace is false)',
    });
  }
  for (const association of resourcesOfType(environment, 'aws_eks_pod_identity_association')) {
    const namespace = association.values.namespace;
    if (typeof namespace === 'string') {
      out.push({ namespace, file: association.file, object: association.address, where: 'namespace' });
    }
  }
  return out.filter((use) => !isExpression(use.namespace));
}

/**
 * Every namespace a manifest lives in (`metadata.namespace`, embedded manifests included), a binding subject names, a
 * Helm release installs into without `create_namespace`, or a Pod Identity association names, is created: by a
 * Namespace manifest (or a Helm `extraObjects` Namespace), by a Helm release with `create_namespace`, or built in
 * (default, kube-system, kube-public, kube-node-lease).
 */
export const namespacesCheck: ReferenceCheck = {
  id: 'namespaces',
  title: 'Namespaces used by manifests, Helm releases and Pod Identity associations are created',
  run(input) {
    const problems: Problem[] = [];
    let checked = 0;
    for (const environment of input.environments) {
      const created = namespacesCreated(environment);
      for (const use of uses(environment)) {
        checked += 1;
        if (created.has(use.namespace)) continue;
        problems.push({
          file: use.file,
          object: use.object,
          message:
            `${use.where}: namespace "${use.namespace}" is created by no Namespace manifest or Helm release ` +
            `(create_namespace) of ${environment.env}; created: ${listing(created.keys())}`,
        });
      }
    }
    return { problems, checked };
  },
};
