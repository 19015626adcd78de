import type { Problem } from '../problem';
import { formatPath } from '../problem';
import { helmServiceAccounts, valuesPath } from './helm';
import { serviceAccountsCreated } from './inventory';
import type { DistEnvironment } from '../dist';
import type { ReferenceCheck } from './model';
import { asArray, asObject, isExpression, listing, namespaceOf, objectName } from './model';
import { podUses } from './pods';

/** A service account someone uses, and how to report it. */
interface Use {
  readonly namespace: string;
  readonly name: string;
  readonly file: string;
  readonly object: string;
  readonly where: string;
}

/** Every use of a service account in the environment: pods, Spark roles, Argo workflows, bindings, Helm values. */
function uses(environment: DistEnvironment): Use[] {
  const out: Use[] = [];
  for (const object of environment.objects) {
    for (const pod of podUses(object)) {
      for (const account of pod.serviceAccounts) {
        out.push({
          namespace: pod.namespace,
          name: account.name,
          file: object.file,
          object: objectName(object),
          where: formatPath(account.path),
        });
      }
    }
    const { kind, apiVersion } = object.manifest;
    if (
      (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') &&
      typeof apiVersion === 'string' &&
      apiVersion.startsWith('rbac.authorization.k8s.io/')
    ) {
      asArray(object.manifest.subjects).forEach((value, i) => {
        const subject = asObject(value);
        if (subject?.kind !== 'ServiceAccount' || typeof subject.name !== 'string') return;
        const namespace = typeof subject.namespace === 'string' ? subject.namespace : namespaceOf(object);
        out.push({
          namespace,
          name: subject.name,
          file: object.file,
          object: objectName(object),
          where: formatPath(['subjects', i, 'name']),
        });
      });
    }
  }
  for (const release of environment.helmReleases) {
    for (const account of helmServiceAccounts(release).filter((a) => !a.created)) {
      out.push({
        namespace: account.namespace,
        name: account.name,
        file: release.resource.file,
        object: release.resource.address,
        where: valuesPath(account.path),
      });
    }
  }
  return out.filter((use) => !isExpression(use.name) && !isExpression(use.namespace));
}

/**
 * Every service account a pod, SparkApplication driver/executor, Argo workflow or template, RoleBinding subject or
 * Helm release (`serviceAccount: {create: false, name}`, `serviceAccountName`) uses exists in that namespace: created
 * by a ServiceAccount manifest, by a Helm release (values `serviceAccount: {name}` not `create: false`) or by an EKS
 * add-on. `default` exists in every namespace.
 */
export const serviceAccountsCheck: ReferenceCheck = {
  id: 'service-accounts',
  title: 'Service accounts used by pods, Spark, Argo, bindings and Helm values exist in their namespace',
  run(input) {
    const problems: Problem[] = [];
    let checked = 0;
    for (const environment of input.environments) {
      const created = serviceAccountsCreated(environment);
      for (const use of uses(environment)) {
        checked += 1;
        if (use.name === 'default' || created.has(`${use.namespace}/${use.name}`)) continue;
        const there = [...created.keys()]
          .filter((key) => key.startsWith(`${use.namespace}/`))
          .map((key) => key.slice(use.namespace.length + 1));
        problems.push({
          file: use.file,
          object: use.object,
          message:
            `${use.where}: service account "${use.name}" does not exist in namespace "${use.namespace}" ` +
            `(no ServiceAccount manifest, Helm release or EKS add-on creates it); defined there: ${listing(there)}`,
        });
      }
    }
    return { problems, checked };
  },
};
