import type { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import {
  ARGO_EXECUTOR_RULE,
  NAMESPACES,
  WORKLOADS,
  type EnvironmentConfig,
  type WorkloadIdentity,
} from '../../config';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';

/** Label Spark puts on the pods it creates: `driver` or `executor`. */
export const SPARK_ROLE_LABEL = 'spark-role';

/** Label Argo Workflows puts on every pod of a workflow (value: the workflow's name). */
export const ARGO_WORKFLOW_POD_LABEL = 'workflows.argoproj.io/workflow';

/** Where pods fetch EKS Pod Identity credentials: the agent on every node (HTTP, link-local). */
export const POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;

/** The EC2 instance metadata service; pods get AWS credentials from IRSA or Pod Identity, never the node's role. */
export const INSTANCE_METADATA_CIDR = '169.254.169.254/32';

/**
 * Service ranges EKS picks from when the cluster sets no service CIDR (the cluster stack sets none): a pod reaches
 * the API server through the `kubernetes` Service's ClusterIP, and the VPC CNI evaluates egress before the ClusterIP
 * is translated to the API server's address.
 */
export const EKS_DEFAULT_SERVICE_CIDRS = ['10.100.0.0/16', '172.20.0.0/16'] as const;

/**
 * Verbs Spark's driver uses on the objects it creates for its executors: those of the Role the Spark Operator 2.5.2
 * chart creates for job service accounts (templates/spark/rbac.yaml). `update` and `patch` are needed by Spark's
 * Kubernetes client (executor pod labels on decommissioning, owner references of reused claims and config maps).
 */
export const DRIVER_VERBS = [
  'create',
  'get',
  'list',
  'watch',
  'update',
  'patch',
  'delete',
  'deletecollection',
] as const;

/** Object names; other charts and reviewers refer to them. */
export const SPARK_JOBS_ACCESS_NAMES = {
  sparkDriverRole: 'spark-driver',
  argoWorkflowRole: 'argo-workflow',
  defaultDeny: 'default-deny-all',
  dns: 'allow-dns-egress',
  kubernetesApi: 'allow-kubernetes-api-egress',
  https: 'allow-https-egress',
  podIdentity: 'allow-pod-identity-agent-egress',
  sparkCluster: 'allow-spark-driver-executor',
} as const;

const TCP = 'TCP';
const port = (protocol: string, number: number): k8s.NetworkPolicyPort => ({
  protocol,
  port: k8s.IntOrString.fromNumber(number),
});

/**
 * What may happen in the job namespace: RBAC for the two service accounts that act there (Spark drivers, Argo
 * workflow pods) and network isolation — deny everything, then allow DNS, HTTPS to the API server and AWS, Pod
 * Identity credentials for workflow pods, and traffic between a job's driver and executors.
 *
 * The policies are enforced only when the VPC CNI runs with network policy enabled (`enableNetworkPolicy`).
 */
export class SparkJobsAccessChart extends EnvironmentChart {
  constructor(scope: Construct, props: EnvironmentChartProps) {
    super(scope, 'spark-jobs-access', props);
    addJobNamespaceAccess(this, props.env, NAMESPACES.sparkJobs, WORKLOADS);
  }
}

/**
 * The RBAC and network policies of one job namespace (the shared one, or a team's): `workloads` names the service
 * accounts of its Spark drivers and Argo workflow pods. Object names are the same in every namespace.
 */
export function addJobNamespaceAccess(
  scope: Construct,
  env: EnvironmentConfig,
  namespace: string,
  workloads: { readonly sparkJobRunner: WorkloadIdentity; readonly argoWorkflow: WorkloadIdentity },
): void {
  const names = SPARK_JOBS_ACCESS_NAMES;
  /** A Role in the job namespace and its binding to one workload's service account (same name for both). */
  const role = (id: string, name: string, workload: WorkloadIdentity, rules: k8s.PolicyRule[]): void => {
    new k8s.KubeRole(scope, `${id}Role`, { metadata: { name, namespace }, rules });
    new k8s.KubeRoleBinding(scope, `${id}RoleBinding`, {
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: workload.serviceAccount, namespace: workload.namespace }],
    });
  };
  /** A NetworkPolicy in the job namespace. */
  const policy = (id: string, name: string, spec: k8s.NetworkPolicySpec): void => {
    new k8s.KubeNetworkPolicy(scope, `${id}Policy`, { metadata: { name, namespace }, spec });
  };

  // --- RBAC ---------------------------------------------------------------------------------------------------
  // Spark's driver creates, watches, updates and deletes its executor pods and the services, config maps and volume
  // claims that go with them. Nothing else: no secrets (credentials come from IRSA).
  role('SparkDriver', names.sparkDriverRole, workloads.sparkJobRunner, [
    {
      apiGroups: [''],
      resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims'],
      verbs: [...DRIVER_VERBS],
    },
  ]);

  // Argo workflow pods: the executor's own rule (config/contract.ts, the rule the Helm values leave to this Role),
  // and a task's `resource` template creates a SparkApplication, polls it for its success and failure conditions,
  // and may delete or patch it. The operator, not the workflow, creates the driver pod, so the workflow has no
  // rights on pods.
  role('ArgoWorkflow', names.argoWorkflowRole, workloads.argoWorkflow, [
    {
      apiGroups: [...ARGO_EXECUTOR_RULE.apiGroups],
      resources: [...ARGO_EXECUTOR_RULE.resources],
      verbs: [...ARGO_EXECUTOR_RULE.verbs],
    },
    {
      apiGroups: ['sparkoperator.k8s.io'],
      resources: ['sparkapplications'],
      verbs: ['create', 'get', 'list', 'watch', 'delete', 'patch'],
    },
  ]);

  // --- Network policies ---------------------------------------------------------------------------------------
  const allPods: k8s.LabelSelector = {};
  const sparkPods: k8s.LabelSelector = {
    matchExpressions: [{ key: SPARK_ROLE_LABEL, operator: 'In', values: ['driver', 'executor'] }],
  };

  // Everything not allowed below is denied, both ways, for every pod in the namespace.
  policy('DefaultDeny', names.defaultDeny, {
    podSelector: allPods,
    policyTypes: ['Ingress', 'Egress'],
  });

  policy('Dns', names.dns, {
    podSelector: allPods,
    policyTypes: ['Egress'],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [port('UDP', 53), port(TCP, 53)],
      },
    ],
  });

  // The API server's private endpoint ENIs sit in the cluster's subnets, so the VPC range holds them (and the
  // interface endpoints of STS, ECR, CloudWatch Logs, …); the service ranges hold the `kubernetes` ClusterIP.
  policy('KubernetesApi', names.kubernetesApi, {
    podSelector: allPods,
    policyTypes: ['Egress'],
    egress: [
      {
        to: [env.network.cidr, ...EKS_DEFAULT_SERVICE_CIDRS].map((cidr) => ({ ipBlock: { cidr } })),
        ports: [port(TCP, 443)],
      },
    ],
  });

  // S3 (job files, data lake, event logs, workflow artifacts) goes through the S3 gateway endpoint, whose
  // destinations are S3's public address ranges (a managed prefix list a NetworkPolicy cannot name), and AWS APIs
  // without an interface endpoint go through NAT; so HTTPS is allowed to any address. The instance metadata
  // service is excluded (it listens on port 80, so this is belt and braces; the nodes' IMDS hop limit is the
  // primary control).
  policy('Https', names.https, {
    podSelector: allPods,
    policyTypes: ['Egress'],
    egress: [
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [INSTANCE_METADATA_CIDR] } }],
        ports: [port(TCP, 443)],
      },
    ],
  });

  // Workflow pods use EKS Pod Identity: the SDK fetches credentials from the node's agent. Spark pods use IRSA
  // (STS over HTTPS) and do not need it.
  policy('PodIdentity', names.podIdentity, {
    podSelector: { matchExpressions: [{ key: ARGO_WORKFLOW_POD_LABEL, operator: 'Exists' }] },
    policyTypes: ['Egress'],
    egress: [
      { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [port(TCP, POD_IDENTITY_AGENT.port)] },
    ],
  });

  // Driver and executors talk both ways on ports Spark picks at run time (RPC, block manager, file server), so
  // all TCP ports, but only between Spark pods of this namespace. A NetworkPolicy cannot say "of the same
  // application" (the spark-app-selector value): Spark's own RPC authentication and encryption
  // (spark.authenticate, spark.network.crypto.enabled) keep concurrent jobs apart. No ingress from the operator: it talks to the API
  // server, not to drivers, and the UI is reached with `kubectl port-forward`, which policies do not filter.
  policy('SparkCluster', names.sparkCluster, {
    podSelector: sparkPods,
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ podSelector: sparkPods }], ports: [{ protocol: TCP }] }],
    egress: [{ to: [{ podSelector: sparkPods }], ports: [{ protocol: TCP }] }],
  });
}
