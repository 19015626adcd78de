import type { Problem } from '../problem';
import { ROLE_ARN_ANNOTATION } from './irsa-roles';
import type { DistEnvironment } from '../dist';
import type { ReferenceCheck } from './model';
import { asArray, asObject, at, listing, namespaceOf, objectName, resourcesOfType } from './model';
import { podUses } from './pods';

/** The label a team's namespace, pipelines and pods carry (value: the team). */
export const TEAM_LABEL = 'sql-etl-on-eks/team';

/** Labels every Spark driver and executor of a team must carry for cost allocation. */
export const COST_LABELS = [
  TEAM_LABEL,
  'sql-etl-on-eks/pipeline',
  'sql-etl-on-eks/job',
  'sql-etl-on-eks/environment',
] as const;

/** Objects that belong to a pipeline: the templates, schedules and the applications they create. */
const PIPELINE_KINDS = new Set(['WorkflowTemplate', 'CronWorkflow', 'SparkApplication']);

function labelsOf(value: unknown): Record<string, unknown> {
  return asObject(asObject(value)?.labels) ?? {};
}

/** The `sub` values the trust policy of a role (by name) accepts, from the IAM JSON of dist/terraform. */
function trustedSubjects(environment: DistEnvironment, roleName: string): string[] | undefined {
  const role = resourcesOfType(environment, 'aws_iam_role').find((r) => r.values.name === roleName);
  if (role === undefined) return undefined;
  const document = role.lookup.reference(role.values.assume_role_policy);
  if (document === undefined) return [];
  return asArray(document.values.statement).flatMap((s) =>
    asArray(asObject(s)?.condition)
      .map((c) => asObject(c) ?? {})
      .filter((c) => typeof c.variable === 'string' && c.variable.endsWith(':sub'))
      .flatMap((c) => asArray(c.values).filter((v): v is string => typeof v === 'string')),
  );
}

/** Namespace of each team, from the Namespace objects of dist/k8s labelled with a team. */
function teamNamespaces(environment: DistEnvironment): Map<string, string> {
  const out = new Map<string, string>();
  for (const object of environment.objects) {
    const team = labelsOf(object.manifest.metadata)[TEAM_LABEL];
    if (object.manifest.kind === 'Namespace' && typeof team === 'string') {
      out.set(team, String(asObject(object.manifest.metadata)?.name));
    }
  }
  return out;
}

/**
 * Every pipeline object (WorkflowTemplate, CronWorkflow, the SparkApplications its templates create) of a team lands in
 * that team's namespace; every pipeline object in a team's namespace carries that team; the service accounts its pods
 * run as exist in that namespace; a Spark service account's IRSA role is trusted by that namespace only (IAM JSON of
 * dist/terraform); a workflow account's Pod Identity association lives in that namespace; and every Spark driver and
 * executor carries the cost labels (team, pipeline, job, environment).
 */
export const teamsCheck: ReferenceCheck = {
  id: 'teams',
  title: "Each pipeline's namespace, service accounts, roles and cost labels belong to its team",
  run(input) {
    const problems: Problem[] = [];
    let checked = 0;
    for (const environment of input.environments) {
      const namespaces = teamNamespaces(environment);
      const teamOf = new Map([...namespaces].map(([team, ns]) => [ns, team]));
      const accounts = new Map<string, Record<string, unknown>>();
      for (const object of environment.objects) {
        if (object.manifest.kind === 'ServiceAccount') {
          accounts.set(
            `${namespaceOf(object)}/${String(asObject(object.manifest.metadata)?.name)}`,
            object.manifest,
          );
        }
      }
      const associations = resourcesOfType(environment, 'aws_eks_pod_identity_association');
      for (const object of environment.objects) {
        const kind = String(object.manifest.kind);
        if (!PIPELINE_KINDS.has(kind)) continue;
        const namespace = namespaceOf(object);
        const labelled = labelsOf(object.manifest.metadata)[TEAM_LABEL];
        const nsTeam = teamOf.get(namespace);
        if (typeof labelled !== 'string' && nsTeam === undefined) continue;
        checked++;
        const report = (message: string) =>
          problems.push({ file: object.file, object: objectName(object), message });
        if (typeof labelled !== 'string') {
          report(`is in team '${nsTeam}'s namespace ${namespace} but carries no ${TEAM_LABEL} label`);
          continue;
        }
        const home = namespaces.get(labelled);
        if (home === undefined) {
          report(
            `belongs to team '${labelled}', which has no namespace in dist/k8s/${environment.env} ` +
              `(teams with one: ${listing(namespaces.keys())})`,
          );
          continue;
        }
        if (namespace !== home) {
          report(`belongs to team '${labelled}' but lands in namespace ${namespace}; render it into ${home}`);
          continue;
        }
        for (const pod of podUses(object)) {
          for (const account of pod.serviceAccounts) {
            const sa = accounts.get(`${namespace}/${account.name}`);
            if (sa === undefined) {
              report(
                `runs as service account ${account.name}, which team '${labelled}'s namespace ${namespace} lacks`,
              );
              continue;
            }
            const arn = asObject(asObject(sa.metadata)?.annotations)?.[ROLE_ARN_ANNOTATION];
            if (typeof arn === 'string') {
              const subjects = trustedSubjects(environment, arn.split('/').pop()!);
              const own = `system:serviceaccount:${namespace}:${account.name}`;
              if (subjects === undefined)
                report(`service account ${account.name}'s role ${arn} is not in dist/terraform`);
              else if (subjects.length === 0 || subjects.some((s) => s !== own)) {
                report(
                  `service account ${account.name}'s role ${arn} is trusted by ${listing(subjects)}, not only by ` +
                    `${own}: another namespace could act with team '${labelled}'s data`,
                );
              }
            } else if (kind !== 'SparkApplication') {
              const association = associations.find(
                (a) => a.values.namespace === namespace && a.values.service_account === account.name,
              );
              if (association === undefined) {
                report(
                  `workflow account ${account.name} has no IRSA role and no Pod Identity association in ${namespace}`,
                );
              }
            }
          }
        }
        if (kind === 'SparkApplication') {
          for (const role of ['driver', 'executor']) {
            const labels = labelsOf(at(object.manifest, ['spec', role]));
            const missing = COST_LABELS.filter((l) => typeof labels[l] !== 'string' || labels[l] === '');
            if (missing.length > 0) report(`spec.${role} lacks the cost label(s) ${missing.join(', ')}`);
            else if (labels[TEAM_LABEL] !== labelled) {
              report(`spec.${role} is labelled team '${String(labels[TEAM_LABEL])}', not '${labelled}'`);
            }
          }
        }
      }
    }
    return { problems, checked };
  },
};
