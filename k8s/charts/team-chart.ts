import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import {
  NAMESPACES,
  TEAM_LABEL_KEY,
  roleArn,
  teamNamespace,
  teamNotebookPriorityClass,
  teamWorkloads,
  type Team,
  type WorkloadIdentity,
} from '../../config';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';
import {
  ARGO_SSO_ACCESS_LEVELS,
  RBAC_PRECEDENCE_ANNOTATION,
  RBAC_RULE_ANNOTATION,
  anyGroupRule,
  tokenSecretName,
} from './argo-sso-rbac-chart';
import { podSecurityLabels } from './namespaces-chart';
import { addJobNamespaceAccess } from './spark-jobs-access-chart';
import { IRSA_ANNOTATION } from './workload-identities-chart';

/** Props of {@link TeamChart}. */
export interface TeamChartProps extends EnvironmentChartProps {
  /** The team (from the environment's `teams`). */
  readonly team: Team;
}

/** Object names in a team's namespace; tests and reviewers refer to them. */
export const TEAM_OBJECT_NAMES = {
  quota: 'team-quota',
  limits: 'team-limits',
  /** Argo SSO: the team's engineers (submit, stop, retry). */
  engineer: 'argo-team-engineer',
  /** Argo SSO: the team's members (view). */
  viewer: 'argo-team-viewer',
} as const;

/** The SparkApplication count a ResourceQuota limits (`count/<resource>.<group>`). */
const SPARK_APPLICATION_COUNT = 'count/sparkapplications.sparkoperator.k8s.io';

/** Argo SSO precedence of the team accounts: above the login account in Argo's namespace (see ArgoSsoRbacChart). */
export const TEAM_ENGINEER_PRECEDENCE = 2;
/** …and the members' below the engineers' (an engineer is usually a member too). */
export const TEAM_VIEWER_PRECEDENCE = 1;

const level = (name: string) => ARGO_SSO_ACCESS_LEVELS.find((l) => l.name === name)!;

/**
 * Everything of one team inside the cluster: its job namespace (Pod Security `restricted`), a ResourceQuota and a
 * LimitRange from config, the same RBAC and default-deny network policies as the shared job namespace, the service
 * accounts of its Spark jobs (IRSA, the team's role) and workflow pods (Pod Identity), Argo SSO accounts for its
 * groups (Argo's namespace delegation: engineers operate, members view), the platform admins' access, and for
 * notebooks the team's service accounts, PriorityClass and quota in JupyterHub's namespace.
 */
export class TeamChart extends EnvironmentChart {
  constructor(scope: Construct, props: TeamChartProps) {
    super(scope, `team-${props.team.name}`, props);
    const { env, team } = props;
    const namespace = teamNamespace(team);
    const workloads = teamWorkloads(team, NAMESPACES.jupyter);
    const teamLabel = { [TEAM_LABEL_KEY]: team.name };

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: namespace,
        labels: { ...podSecurityLabels('restricted', env.eks.version), ...teamLabel },
        // Argo Workflows' and the Spark Operator's releases create Roles here: never pruned or deleted by Argo CD.
        annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
      },
    });

    new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: TEAM_OBJECT_NAMES.quota, namespace },
      spec: {
        hard: {
          'requests.cpu': k8s.Quantity.fromString(String(team.quota.cpu)),
          'requests.memory': k8s.Quantity.fromString(`${team.quota.memoryGiB}Gi`),
          // Spark sets memory limits equal to requests (+ overhead); bounding limits too keeps overhead honest.
          'limits.memory': k8s.Quantity.fromString(`${team.quota.memoryGiB}Gi`),
          pods: k8s.Quantity.fromNumber(team.quota.pods),
          [SPARK_APPLICATION_COUNT]: k8s.Quantity.fromNumber(team.quota.sparkApplications),
        },
      },
    });

    const { limits } = team;
    new k8s.KubeLimitRange(this, 'Limits', {
      metadata: { name: TEAM_OBJECT_NAMES.limits, namespace },
      spec: {
        limits: [
          {
            type: 'Container',
            // The quota counts requests: a container that states none gets these instead of being rejected.
            defaultRequest: {
              cpu: k8s.Quantity.fromString(limits.defaultRequestCpu),
              memory: k8s.Quantity.fromString(limits.defaultRequestMemory),
            },
            default: {
              cpu: k8s.Quantity.fromString(limits.defaultCpu),
              memory: k8s.Quantity.fromString(limits.defaultMemory),
            },
            max: {
              cpu: k8s.Quantity.fromString(limits.maxCpu),
              memory: k8s.Quantity.fromString(limits.maxMemory),
            },
          },
        ],
      },
    });

    for (const workload of [workloads.sparkJobRunner, workloads.argoWorkflow]) {
      this.serviceAccount(workload, env);
    }
    addJobNamespaceAccess(this, env, namespace, workloads);

    // --- Argo SSO (namespace delegation): the server acts as these accounts for requests in this namespace. -------
    this.argoAccount('Engineer', TEAM_OBJECT_NAMES.engineer, namespace, {
      rule: anyGroupRule(team.groups.engineers),
      precedence: TEAM_ENGINEER_PRECEDENCE,
      rules: level('argo-engineer').rules,
    });
    if (team.groups.members.length > 0) {
      this.argoAccount('Viewer', TEAM_OBJECT_NAMES.viewer, namespace, {
        rule: anyGroupRule(team.groups.members),
        precedence: TEAM_VIEWER_PRECEDENCE,
        rules: level('argo-viewer').rules,
      });
    }
    // Platform admins fall back to their account in Argo's namespace; it gets the admin rules here too.
    const admin = level('argo-admin');
    new k8s.KubeRole(this, 'ArgoAdminRole', {
      metadata: { name: admin.name, namespace },
      rules: [...admin.rules],
    });
    new k8s.KubeRoleBinding(this, 'ArgoAdminRoleBinding', {
      metadata: { name: admin.name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: admin.name },
      subjects: [{ kind: 'ServiceAccount', name: admin.name, namespace: NAMESPACES.argo }],
    });

    // --- Notebooks: service accounts in JupyterHub's namespace, counted by the team's PriorityClass. -----------
    for (const workload of [workloads.notebook, workloads.notebookReadOnly]) {
      this.serviceAccount(workload, env);
    }
    const priorityClass = teamNotebookPriorityClass(team);
    new k8s.KubePriorityClass(this, 'NotebookPriorityClass', {
      metadata: { name: priorityClass, labels: teamLabel },
      // The default priority: the class only tags the team's servers for its quota, it must not preempt anyone.
      value: 0,
      preemptionPolicy: 'Never',
      description: `Notebook servers of team ${team.name}; the team's notebook quota in ${NAMESPACES.jupyter} counts them`,
    });
    new k8s.KubeResourceQuota(this, 'NotebookQuota', {
      metadata: { name: priorityClass, namespace: NAMESPACES.jupyter, labels: teamLabel },
      spec: {
        hard: {
          'requests.cpu': k8s.Quantity.fromString(String(team.quota.notebooks.cpu)),
          'requests.memory': k8s.Quantity.fromString(`${team.quota.notebooks.memoryGiB}Gi`),
          pods: k8s.Quantity.fromNumber(team.quota.notebooks.servers),
        },
        scopeSelector: {
          matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: [priorityClass] }],
        },
      },
    });
  }

  /** A service account of the team; IRSA ones carry the ARN of the team's role. */
  private serviceAccount(workload: WorkloadIdentity, env: TeamChartProps['env']): void {
    new k8s.KubeServiceAccount(this, `${workload.namespace}-${workload.serviceAccount}`, {
      metadata: {
        name: workload.serviceAccount,
        namespace: workload.namespace,
        annotations:
          workload.mechanism === 'irsa'
            ? {
                [IRSA_ANNOTATION]: roleArn(env, workload.role),
                'eks.amazonaws.com/sts-regional-endpoints': 'true',
              }
            : {},
      },
      automountServiceAccountToken: true,
    });
  }

  /** An Argo SSO account in the team's namespace: service account with its rule, token Secret, Role, binding. */
  private argoAccount(
    id: string,
    name: string,
    namespace: string,
    access: { rule: string; precedence: number; rules: readonly k8s.PolicyRule[] },
  ): void {
    new k8s.KubeServiceAccount(this, `Argo${id}ServiceAccount`, {
      metadata: {
        name,
        namespace,
        annotations: {
          [RBAC_RULE_ANNOTATION]: access.rule,
          [RBAC_PRECEDENCE_ANNOTATION]: String(access.precedence),
        },
      },
      automountServiceAccountToken: false,
    });
    new k8s.KubeSecret(this, `Argo${id}Token`, {
      metadata: {
        name: tokenSecretName(name),
        namespace,
        annotations: { 'kubernetes.io/service-account.name': name },
      },
      type: 'kubernetes.io/service-account-token',
    });
    new k8s.KubeRole(this, `Argo${id}Role`, { metadata: { name, namespace }, rules: [...access.rules] });
    new k8s.KubeRoleBinding(this, `Argo${id}RoleBinding`, {
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });
  }
}
