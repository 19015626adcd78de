import type { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { NAMESPACES, SSO_GROUPS } from '../../config';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';

/** The annotation whose expression decides which SSO users act as a service account. */
export const RBAC_RULE_ANNOTATION = 'workflows.argoproj.io/rbac-rule';
/** Which matching service account wins: the highest number. */
export const RBAC_PRECEDENCE_ANNOTATION = 'workflows.argoproj.io/rbac-rule-precedence';

/** Cognito groups the Argo UI maps to access levels (created by the identity stack; see config/naming.ts). */
export const ARGO_SSO_GROUPS = SSO_GROUPS;

/** One access level: the service account the Argo server acts as, and what it may do in the job namespace. */
export interface ArgoSsoAccessLevel {
  /** Name of the service account, its token Secret stem, its Role and RoleBinding. */
  readonly name: string;
  /** Argo rule expression over the user's claims (`groups`, `sub`, `iss`, `email`). */
  readonly rule: string;
  /** Higher wins when several rules match (admins are engineers and viewers too). */
  readonly precedence: number;
  /** Rules of the Role in the job namespace. */
  readonly rules: readonly k8s.PolicyRule[];
}

const ARGO = 'argoproj.io';
const READ = ['get', 'list', 'watch'];

/** What every level may read: what the UI shows for a workflow, including live pod logs and events. */
const VIEW_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [ARGO], resources: ['workflows', 'workflowtemplates', 'cronworkflows'], verbs: READ },
  { apiGroups: [''], resources: ['pods', 'events'], verbs: READ },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
];

/**
 * Submit (create), stop, terminate, suspend, resume and retry workflows (the Argo server updates the workflow, and
 * deletes the failed nodes' pods on retry). Templates and schedules stay read-only: they come from Git, and Argo CD
 * would revert an edit made in the UI.
 */
const OPERATE_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [ARGO], resources: ['workflows'], verbs: ['create', 'update', 'patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
];

/** Delete workflows and suspend or resume schedules (the server updates the CronWorkflow's `suspend`). */
const ADMIN_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [ARGO], resources: ['workflows'], verbs: ['delete'] },
  { apiGroups: [ARGO], resources: ['cronworkflows'], verbs: ['update', 'patch'] },
];

/** The access levels, most privileged first. */
export const ARGO_SSO_ACCESS_LEVELS: readonly ArgoSsoAccessLevel[] = [
  {
    name: 'argo-admin',
    rule: `'${ARGO_SSO_GROUPS.admins}' in groups`,
    precedence: 2,
    rules: [...VIEW_RULES, ...OPERATE_RULES, ...ADMIN_RULES],
  },
  {
    name: 'argo-engineer',
    rule: `'${ARGO_SSO_GROUPS.engineers}' in groups`,
    precedence: 1,
    rules: [...VIEW_RULES, ...OPERATE_RULES],
  },
  {
    name: 'argo-viewer',
    rule: `'${ARGO_SSO_GROUPS.viewers}' in groups`,
    precedence: 0,
    rules: VIEW_RULES,
  },
];

/** Argo rule expression: true when the user's groups include any of `groups`. */
export function anyGroupRule(groups: readonly string[]): string {
  return groups.map((group) => `'${group}' in groups`).join(' || ');
}

/**
 * The account every team user signs in with (Argo's namespace delegation needs one in the server's namespace). It
 * has no rights anywhere; in a team's namespace the server acts as the team's own accounts (k8s/charts/team-chart.ts).
 */
export const ARGO_TEAM_LOGIN = 'argo-team-login';
/** Below every other account, so a platform group's account wins for its users. */
export const ARGO_TEAM_LOGIN_PRECEDENCE = -1;

/** Name of the token Secret the Argo server reads for a service account (Argo's naming convention). */
export function tokenSecretName(serviceAccount: string): string {
  return `${serviceAccount}.service-account-token`;
}

/** `argo-admin` → `ArgoAdmin` */
function constructId(name: string): string {
  return name
    .split('-')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Who may do what in the Argo UI. The Argo server signs users in through Cognito (SSO with RBAC) and then acts, for
 * each request, as the service account whose rule matches the user's groups; a user no rule matches is refused.
 *
 * The service accounts live in the Argo server's namespace (where it looks for them) and are granted rights only in
 * the job namespace, through Roles: nothing cluster-wide, no Secrets, no pod exec, no template edits.
 *
 * Each account has a `kubernetes.io/service-account-token` Secret: since Kubernetes 1.24 none is created
 * automatically, and the Argo server reads the account's token from `<account>.service-account-token`. The
 * manifest carries no value; the API server's token controller fills it in.
 */
export class ArgoSsoRbacChart extends EnvironmentChart {
  constructor(scope: Construct, props: EnvironmentChartProps) {
    super(scope, 'argo-sso-rbac', props);
    const serverNamespace = NAMESPACES.argo;
    const jobNamespace = NAMESPACES.sparkJobs;
    for (const level of ARGO_SSO_ACCESS_LEVELS) {
      const id = constructId(level.name);
      new k8s.KubeServiceAccount(this, `${id}ServiceAccount`, {
        metadata: {
          name: level.name,
          namespace: serverNamespace,
          annotations: {
            [RBAC_RULE_ANNOTATION]: level.rule,
            [RBAC_PRECEDENCE_ANNOTATION]: String(level.precedence),
          },
        },
        // No pod runs as these accounts; the Argo server uses their token Secret.
        automountServiceAccountToken: false,
      });
      new k8s.KubeSecret(this, `${id}Token`, {
        metadata: {
          name: tokenSecretName(level.name),
          namespace: serverNamespace,
          annotations: { 'kubernetes.io/service-account.name': level.name },
        },
        type: 'kubernetes.io/service-account-token',
      });
      new k8s.KubeRole(this, `${id}Role`, {
        metadata: { name: level.name, namespace: jobNamespace },
        rules: [...level.rules],
      });
      new k8s.KubeRoleBinding(this, `${id}RoleBinding`, {
        metadata: { name: level.name, namespace: jobNamespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: level.name },
        subjects: [{ kind: 'ServiceAccount', name: level.name, namespace: serverNamespace }],
      });
    }
    const teamGroups = props.env.teams.flatMap((team) => [...team.groups.engineers, ...team.groups.members]);
    new k8s.KubeServiceAccount(this, 'ArgoTeamLoginServiceAccount', {
      metadata: {
        name: ARGO_TEAM_LOGIN,
        namespace: serverNamespace,
        annotations: {
          [RBAC_RULE_ANNOTATION]: anyGroupRule([...new Set(teamGroups)]),
          [RBAC_PRECEDENCE_ANNOTATION]: String(ARGO_TEAM_LOGIN_PRECEDENCE),
        },
      },
      automountServiceAccountToken: false,
    });
    new k8s.KubeSecret(this, 'ArgoTeamLoginToken', {
      metadata: {
        name: tokenSecretName(ARGO_TEAM_LOGIN),
        namespace: serverNamespace,
        annotations: { 'kubernetes.io/service-account.name': ARGO_TEAM_LOGIN },
      },
      type: 'kubernetes.io/service-account-token',
    });
  }
}
