import { describe, expect, test } from 'vitest';
import { NAMESPACES } from '../../config';
import { DEV, pick, synthChart, testApp, type Manifest } from '../testing';
import {
  ARGO_SSO_ACCESS_LEVELS,
  ARGO_SSO_GROUPS,
  ArgoSsoRbacChart,
  RBAC_PRECEDENCE_ANNOTATION,
  RBAC_RULE_ANNOTATION,
  tokenSecretName,
} from './argo-sso-rbac-chart';

interface Rule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

/** `group/resource` → verbs granted by a Role. */
function grants(role: Manifest): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const rule of role.rules as Rule[]) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) {
        const key = `${group}/${resource}`;
        out.set(key, new Set([...(out.get(key) ?? []), ...rule.verbs]));
      }
    }
  }
  return out;
}

describe('ArgoSsoRbacChart', () => {
  const manifests = synthChart(new ArgoSsoRbacChart(testApp(), { env: DEV }));
  const role = (name: string) => grants(pick(manifests, 'Role', name));

  test('maps the Cognito groups to accounts in the Argo server namespace, most privileged winning', () => {
    const accounts = manifests.filter((m) => m.kind === 'ServiceAccount');
    expect(
      accounts.map((a) => [
        a.metadata.namespace,
        a.metadata.name,
        a.metadata.annotations?.[RBAC_RULE_ANNOTATION],
        a.metadata.annotations?.[RBAC_PRECEDENCE_ANNOTATION],
      ]),
    ).toEqual([
      ['argo', 'argo-admin', "'platform-admins' in groups", '2'],
      ['argo', 'argo-engineer', "'data-engineers' in groups", '1'],
      ['argo', 'argo-viewer', "'data-viewers' in groups", '0'],
      // Team users sign in here with no rights; in their team's namespace the team's own accounts act.
      [
        'argo',
        'argo-team-login',
        "'data-platform-engineers' in groups || 'data-platform-members' in groups || " +
          "'analytics-engineers' in groups || 'analytics-members' in groups",
        '-1',
      ],
    ]);
    expect(accounts.every((a) => a.automountServiceAccountToken === false)).toBe(true);
    // The login account is bound to nothing: no RoleBinding names it.
    expect(
      manifests.filter((m) => m.kind === 'RoleBinding' && JSON.stringify(m).includes('"argo-team-login"')),
    ).toEqual([]);
  });

  // The Argo Workflows values' side (SSO RBAC on, the Cognito groups claim, delegation to the team namespaces) is
  // infra's test (infra/constructs/helm-values/helm-values.test.ts).
  test('the rules read the groups claim (Argo exposes the custom claim as `groups`)', () => {
    // No rule matches everyone.
    for (const level of ARGO_SSO_ACCESS_LEVELS) {
      expect(level.rule).toMatch(/^'[a-z-]+' in groups$/);
    }
    expect(Object.values(ARGO_SSO_GROUPS)).toEqual(['platform-admins', 'data-engineers', 'data-viewers']);
  });

  test('each account has an empty service-account-token Secret named as the Argo server looks it up', () => {
    for (const level of ARGO_SSO_ACCESS_LEVELS) {
      const secret = pick(manifests, 'Secret', tokenSecretName(level.name));
      expect(secret).toMatchObject({
        type: 'kubernetes.io/service-account-token',
        metadata: { namespace: 'argo', annotations: { 'kubernetes.io/service-account.name': level.name } },
      });
      expect(secret.data).toBeUndefined();
      expect(secret.stringData).toBeUndefined();
    }
    expect(tokenSecretName('argo-viewer')).toBe('argo-viewer.service-account-token');
  });

  test('grants rights only in the job namespace, bound to the account in the server namespace', () => {
    expect(manifests.some((m) => m.kind.startsWith('Cluster'))).toBe(false);
    for (const level of ARGO_SSO_ACCESS_LEVELS) {
      expect(pick(manifests, 'Role', level.name).metadata.namespace).toBe(NAMESPACES.sparkJobs);
      expect(pick(manifests, 'RoleBinding', level.name)).toMatchObject({
        metadata: { namespace: NAMESPACES.sparkJobs },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: level.name },
        subjects: [{ kind: 'ServiceAccount', name: level.name, namespace: NAMESPACES.argo }],
      });
    }
  });

  test('viewers read workflows, templates, schedules, pods, events and logs, and change nothing', () => {
    const viewer = role('argo-viewer');
    expect([...viewer.keys()].sort()).toEqual([
      '/events',
      '/pods',
      '/pods/log',
      'argoproj.io/cronworkflows',
      'argoproj.io/workflows',
      'argoproj.io/workflowtemplates',
    ]);
    for (const verbs of viewer.values()) {
      expect([...verbs].every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
    }
  });

  test('engineers submit, stop and retry workflows but delete none and edit no template or schedule', () => {
    const engineer = role('argo-engineer');
    expect([...(engineer.get('argoproj.io/workflows') ?? [])]).toEqual(
      expect.arrayContaining(['create', 'update', 'patch']),
    );
    expect(engineer.get('argoproj.io/workflows')?.has('delete')).toBe(false);
    expect(engineer.get('/pods')?.has('delete')).toBe(true);
    expect([...(engineer.get('argoproj.io/workflowtemplates') ?? [])].sort()).toEqual([
      'get',
      'list',
      'watch',
    ]);
    expect([...(engineer.get('argoproj.io/cronworkflows') ?? [])].sort()).toEqual(['get', 'list', 'watch']);
  });

  test('admins also delete workflows and suspend or resume schedules, still without template edits', () => {
    const admin = role('argo-admin');
    expect(admin.get('argoproj.io/workflows')?.has('delete')).toBe(true);
    expect(admin.get('argoproj.io/cronworkflows')?.has('patch')).toBe(true);
    expect([...(admin.get('argoproj.io/workflowtemplates') ?? [])].sort()).toEqual(['get', 'list', 'watch']);
  });

  test('no level can read Secrets, exec into pods, use wildcards or escalate', () => {
    for (const level of ARGO_SSO_ACCESS_LEVELS) {
      const granted = role(level.name);
      expect(granted.has('/secrets')).toBe(false);
      expect(granted.has('/pods/exec')).toBe(false);
      for (const [key, verbs] of granted) {
        expect(key).not.toContain('*');
        for (const verb of ['*', 'escalate', 'bind', 'impersonate']) expect(verbs.has(verb)).toBe(false);
      }
    }
  });
});
