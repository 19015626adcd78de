import { WORKLOADS } from '../../../config';
import { isBinding, rbacRules, roleRef, type RbacRule } from '../lib/rbac';
import { blocks, record, show } from '../lib/values';
import type { KubernetesObject } from '../../dist';
import type { KubernetesEnvironmentRule, ObjectResult } from '../lib/rule';

/** The service accounts ETL jobs run as: Spark drivers and executors, and Argo workflow pods. */
export const JOB_SERVICE_ACCOUNTS = [WORKLOADS.sparkJobRunner, WORKLOADS.argoWorkflow].map(
  (w) => `${w.namespace}/${w.serviceAccount}`,
);

/** Built-in ClusterRoles a binding may name without the role being in dist/, and whether they read secrets. */
const BUILT_IN_READS_SECRETS: Readonly<Record<string, boolean>> = {
  view: false,
  edit: true,
  admin: true,
  'cluster-admin': true,
};

const READ = ['get', 'list', 'watch', '*'];

function readsSecrets(rule: RbacRule): boolean {
  return (
    rule.verbs.some((v) => READ.includes(v)) &&
    rule.resources.some((r) => r === 'secrets' || r === '*') &&
    rule.apiGroups.some((g) => g === '' || g === '*')
  );
}

/** RBAC-003: the ETL job identities cannot read Kubernetes Secrets. */
export const RBAC_003: KubernetesEnvironmentRule = {
  id: 'RBAC-003',
  info: `The job service accounts (${JOB_SERVICE_ACCOUNTS.join(', ')}) are bound to no role that can get, list or watch secrets`,
  rationale:
    'ETL code (user SQL, notebooks, PySpark) runs as these accounts; reading Secrets would expose the OIDC client ' +
    'secrets and other credentials synced into the cluster. AWS access comes from IRSA / Pod Identity instead.',
  appliesTo: 'kubernetes-environment',
  evaluate(environment) {
    const roles = new Map<string, KubernetesObject>();
    for (const o of environment.objects) {
      if (rbacRules(o.manifest) !== undefined) roles.set(o.id, o);
    }
    const out: ObjectResult[] = [];
    for (const binding of environment.objects.filter((o) => isBinding(o.manifest))) {
      const bindingNamespace = show(record(binding.manifest.metadata).namespace ?? '');
      const subjects = blocks(binding.manifest.subjects)
        .filter((s) => s.kind === 'ServiceAccount')
        .map((s) => `${show(s.namespace ?? bindingNamespace)}/${show(s.name)}`)
        .filter((s) => JOB_SERVICE_ACCOUNTS.includes(s));
      if (subjects.length === 0) continue;
      const ref = roleRef(binding.manifest);
      const roleId = ref.kind === 'Role' ? `Role/${bindingNamespace}/${ref.name}` : `ClusterRole/${ref.name}`;
      const role = roles.get(roleId);
      let reads: boolean;
      if (role !== undefined) {
        reads = (rbacRules(role.manifest) ?? []).some(readsSecrets);
      } else if (ref.kind === 'ClusterRole' && Object.hasOwn(BUILT_IN_READS_SECRETS, ref.name)) {
        reads = BUILT_IN_READS_SECRETS[ref.name];
      } else {
        out.push({
          object: binding.id,
          status: 'non-compliant',
          message: `binds ${subjects.join(', ')} to ${roleId}, which is not in dist/; its rules cannot be checked`,
        });
        continue;
      }
      out.push(
        reads
          ? {
              object: binding.id,
              status: 'non-compliant',
              message: `binds ${subjects.join(', ')} to ${roleId}, which can read secrets; remove get/list/watch on secrets`,
            }
          : { object: binding.id, status: 'compliant' },
      );
    }
    return out;
  },
};
