import { describe, expect, test } from 'vitest';
import { NAMESPACES, WORKLOADS } from '../../config';
import { DEV, PROD, pick, synthChart, testApp, type Manifest } from '../testing';
import {
  EKS_DEFAULT_SERVICE_CIDRS,
  SPARK_JOBS_ACCESS_NAMES as NAMES,
  SparkJobsAccessChart,
} from './spark-jobs-access-chart';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  podSelector?: Record<string, unknown>;
  namespaceSelector?: Record<string, unknown>;
}
interface PolicySpec {
  podSelector: Record<string, unknown>;
  policyTypes: string[];
  ingress?: { from?: Peer[]; ports?: { protocol: string; port?: number }[] }[];
  egress?: { to?: Peer[]; ports?: { protocol: string; port?: number }[] }[];
}

const rulesOf = (m: Manifest) => m.rules as Rule[];
const specOf = (m: Manifest) => m.spec as PolicySpec;
/** Every (apiGroup, resource, verb) a role grants, as `group/resource:verb`, sorted. */
const grants = (m: Manifest) =>
  rulesOf(m)
    .flatMap((r) =>
      r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`))),
    )
    .sort();

describe('SparkJobsAccessChart', () => {
  const manifests = synthChart(new SparkJobsAccessChart(testApp(), { env: DEV }));
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');

  test('every object has an explicit name and lives in the job namespace', () => {
    expect(manifests.length).toBe(10);
    for (const m of manifests) {
      expect(m.metadata.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(m.metadata.namespace).toBe(NAMESPACES.sparkJobs);
    }
    expect(new Set(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).size).toBe(manifests.length);
  });

  test('the Spark driver may manage exactly its executors’ pods, services, config maps and claims', () => {
    // The verbs of the Role the Spark Operator 2.5.2 chart grants job service accounts (templates/spark/rbac.yaml):
    // without update and patch the driver's Kubernetes client fails on executor pod updates.
    const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
    expect(grants(pick(manifests, 'Role', NAMES.sparkDriverRole))).toEqual(
      ['configmaps', 'persistentvolumeclaims', 'pods', 'services']
        .flatMap((res) => verbs.map((v) => `/${res}:${v}`))
        .sort(),
    );
  });

  test('Argo workflow pods may report results and drive SparkApplications, and nothing else', () => {
    expect(grants(pick(manifests, 'Role', NAMES.argoWorkflowRole))).toEqual(
      [
        'argoproj.io/workflowtaskresults:create',
        'argoproj.io/workflowtaskresults:patch',
        ...['create', 'get', 'list', 'watch', 'delete', 'patch'].map(
          (v) => `sparkoperator.k8s.io/sparkapplications:${v}`,
        ),
      ].sort(),
    );
  });

  test('no role grants secrets or a wildcard', () => {
    for (const role of manifests.filter((m) => m.kind === 'Role')) {
      for (const rule of rulesOf(role)) {
        expect(rule.resources).not.toContain('secrets');
        expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
      }
    }
  });

  test('each role is bound to its workload’s service account, and only to it', () => {
    for (const [name, workload] of [
      [NAMES.sparkDriverRole, WORKLOADS.sparkJobRunner],
      [NAMES.argoWorkflowRole, WORKLOADS.argoWorkflow],
    ] as const) {
      expect(pick(manifests, 'RoleBinding', name)).toMatchObject({
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name: workload.serviceAccount, namespace: workload.namespace }],
      });
    }
    expect(WORKLOADS.sparkJobRunner.serviceAccount).toBe('spark-job-runner');
    expect(WORKLOADS.argoWorkflow.serviceAccount).toBe('argo-workflow');
  });

  test('the default policy denies all ingress and egress of every pod', () => {
    expect(specOf(pick(manifests, 'NetworkPolicy', NAMES.defaultDeny))).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  test('every other policy only adds allowances and says which direction it governs', () => {
    for (const p of policies) {
      const spec = specOf(p);
      expect(spec.policyTypes.length).toBeGreaterThan(0);
      for (const direction of spec.policyTypes) {
        if (p.metadata.name === NAMES.defaultDeny) continue;
        const rules = direction === 'Ingress' ? spec.ingress : spec.egress;
        // A rule without peers or ports would allow everything in that direction.
        for (const rule of rules ?? []) {
          const peers = 'to' in rule ? rule.to : (rule as { from?: Peer[] }).from;
          expect(peers?.length, `${p.metadata.name} ${direction}`).toBeGreaterThan(0);
          expect(rule.ports?.length, `${p.metadata.name} ${direction}`).toBeGreaterThan(0);
        }
      }
    }
  });

  test('DNS goes only to kube-dns in kube-system on port 53', () => {
    expect(specOf(pick(manifests, 'NetworkPolicy', NAMES.dns))).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
  });

  test('the API server is reachable on 443 in the VPC and through the kubernetes ClusterIP', () => {
    const spec = specOf(pick(manifests, 'NetworkPolicy', NAMES.kubernetesApi));
    expect(spec.egress).toEqual([
      {
        to: [DEV.network.cidr, ...EKS_DEFAULT_SERVICE_CIDRS].map((cidr) => ({ ipBlock: { cidr } })),
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
    const prod = synthChart(new SparkJobsAccessChart(testApp(), { env: PROD }));
    expect(specOf(pick(prod, 'NetworkPolicy', NAMES.kubernetesApi)).egress?.[0].to?.[0]).toEqual({
      ipBlock: { cidr: PROD.network.cidr },
    });
  });

  test('HTTPS to AWS (S3 through its gateway endpoint) is allowed anywhere except the instance metadata service', () => {
    expect(specOf(pick(manifests, 'NetworkPolicy', NAMES.https)).egress).toEqual([
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
  });

  test('only workflow pods may reach the Pod Identity agent', () => {
    expect(specOf(pick(manifests, 'NetworkPolicy', NAMES.podIdentity))).toEqual({
      podSelector: { matchExpressions: [{ key: 'workflows.argoproj.io/workflow', operator: 'Exists' }] },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] }],
    });
  });

  test('Spark drivers and executors talk to each other on any TCP port, and to no other pod', () => {
    const sparkPods = {
      matchExpressions: [{ key: 'spark-role', operator: 'In', values: ['driver', 'executor'] }],
    };
    expect(specOf(pick(manifests, 'NetworkPolicy', NAMES.sparkCluster))).toEqual({
      podSelector: sparkPods,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: sparkPods }], ports: [{ protocol: 'TCP' }] }],
      egress: [{ to: [{ podSelector: sparkPods }], ports: [{ protocol: 'TCP' }] }],
    });
  });

  test('no policy admits ingress from outside the namespace', () => {
    for (const p of policies) {
      for (const rule of specOf(p).ingress ?? []) {
        for (const peer of rule.from ?? []) {
          expect(peer.namespaceSelector).toBeUndefined();
          expect(peer.ipBlock).toBeUndefined();
        }
      }
    }
  });

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });
});
