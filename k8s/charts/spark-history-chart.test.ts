import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { NAMESPACES, SYSTEM_NODE_LABEL, WORKLOADS, runtimeImage } from '../../config';
import { DEV, pick, synthChart, testApp, type Manifest } from '../testing';
import {
  POD_IDENTITY_CREDENTIALS_PROVIDER,
  SPARK_HISTORY_NAME,
  SparkHistoryChart,
  renderSparkDefaults,
} from './spark-history-chart';

/** The parts of a Deployment these tests read. */
interface PodSpec {
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken: boolean;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: Record<string, string>[];
  readonly securityContext: Record<string, unknown>;
  readonly volumes: { name: string; emptyDir?: unknown; configMap?: { name: string } }[];
  readonly containers: {
    readonly image: string;
    readonly command: string[];
    readonly env: { name: string; value: string }[];
    readonly ports: { name: string; containerPort: number }[];
    readonly readinessProbe: Record<string, unknown>;
    readonly livenessProbe: Record<string, unknown>;
    readonly resources: { requests: Record<string, string>; limits: Record<string, string> };
    readonly securityContext: Record<string, unknown>;
    readonly volumeMounts: { name: string; mountPath: string }[];
  }[];
}

function podSpec(deployment: Manifest): PodSpec {
  return (deployment.spec as { template: { spec: PodSpec } }).template.spec;
}

/** A repository with only the spark-runtime build context, so the image tag does not follow etl/ edits. */
function fixtureRepo(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spark-history-chart-'));
  fs.mkdirSync(path.join(root, 'etl/images/spark-runtime'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'etl/images/spark-runtime/Dockerfile'),
    'FROM docker.io/apache/spark:4.0.4\n',
  );
  return root;
}

describe('SparkHistoryChart', () => {
  const repoRoot = fixtureRepo();
  afterAll(() => fs.rmSync(repoRoot, { recursive: true, force: true }));
  const manifests = synthChart(new SparkHistoryChart(testApp(), { env: DEV, repoRoot }));
  const deployment = pick(manifests, 'Deployment', SPARK_HISTORY_NAME);
  const pod = podSpec(deployment);
  const [container] = pod.containers;
  const conf = pick(manifests, 'ConfigMap', SPARK_HISTORY_NAME).data as Record<string, string>;

  test('a Deployment, its ConfigMap and Service in the History Server namespace; one replica, no budget', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/spark-history/spark-history-server',
      'Deployment/spark-history/spark-history-server',
      'Service/spark-history/spark-history-server',
    ]);
    expect(deployment.spec).toMatchObject({ replicas: 1 });
  });

  test('reads the event logs Spark jobs write, through Pod Identity, and cleans up old ones', () => {
    const lines = conf['spark-defaults.conf'].trimEnd().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'spark.history.fs.logDirectory s3a://sqletl-dev-datalake-111122223333-us-east-1/spark-event-logs/',
        `spark.hadoop.fs.s3a.aws.credentials.provider ${POD_IDENTITY_CREDENTIALS_PROVIDER}`,
        'spark.hadoop.fs.s3a.endpoint.region us-east-1',
        // Read-only role: the cleaner cannot delete, so it is off.
        'spark.history.fs.cleaner.enabled false',
        'spark.history.ui.port 18080',
      ]),
    );
    expect(POD_IDENTITY_CREDENTIALS_PROVIDER).toBe(
      'software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider',
    );
    expect(pod.serviceAccountName).toBe(WORKLOADS.sparkHistoryServer.serviceAccount);
    expect(WORKLOADS.sparkHistoryServer).toMatchObject({
      namespace: NAMESPACES.sparkHistory,
      mechanism: 'podIdentity',
      createdBy: 'kit',
    });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('runs the pinned spark-runtime image in the foreground with the mounted configuration', () => {
    expect(container.image).toBe(runtimeImage(DEV, 'spark-runtime', repoRoot));
    expect(container.image).toMatch(/spark-runtime:[0-9a-f]{16}$/);
    expect(container.command).toEqual([
      '/usr/bin/tini',
      '-g',
      '--',
      '/opt/spark/sbin/start-history-server.sh',
    ]);
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'SPARK_NO_DAEMONIZE', value: 'true' },
        { name: 'SPARK_CONF_DIR', value: '/opt/spark/conf' },
      ]),
    );
    expect(container.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'conf', mountPath: '/opt/spark/conf' }),
    );
    expect(pod.volumes).toContainEqual({ name: 'conf', configMap: { name: SPARK_HISTORY_NAME } });
  });

  test('a changed configuration changes the pod template, so the pods roll', () => {
    const other = synthChart(
      new SparkHistoryChart(testApp(), { env: { ...DEV, region: 'eu-west-1' }, repoRoot }),
    );
    const checksum = (d: Manifest) =>
      (d.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata
        .annotations['checksum/config'];
    expect(checksum(pick(other, 'Deployment', SPARK_HISTORY_NAME))).not.toBe(checksum(deployment));
  });

  test('meets the restricted Pod Security Standard as uid 185 with a read-only root and writable emptyDirs', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 185,
      runAsGroup: 185,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    const mounted = Object.fromEntries(container.volumeMounts.map((m) => [m.mountPath, m.name]));
    expect(mounted).toMatchObject({ '/tmp': 'tmp', '/opt/spark/work-dir': 'work-dir' });
    for (const name of ['tmp', 'work-dir']) {
      const emptyDir = pod.volumes.find((v) => v.name === name)?.emptyDir as
        { sizeLimit?: string } | undefined;
      expect(emptyDir?.sizeLimit).toMatch(/^\d+[MG]i$/);
    }
    expect(container.env).toContainEqual({ name: 'SPARK_LOG_DIR', value: '/tmp/spark-logs' });
  });

  test('requests CPU and memory with a memory limit equal to the request, on the system nodes', () => {
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '1536Mi' },
      limits: { cpu: '1', memory: '1536Mi' },
    });
    expect(pod.nodeSelector).toEqual({ [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value });
    expect(pod.tolerations).toEqual([
      { key: 'CriticalAddonsOnly', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
    ]);
  });

  test('probes the REST API on the UI port', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: 18080, protocol: 'TCP' }]);
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe).toMatchObject({ httpGet: { path: '/api/v1/version', port: 'http' } });
    }
  });

  test('a ClusterIP Service spark-history-server:18080 selects the pods', () => {
    const service = pick(manifests, 'Service', SPARK_HISTORY_NAME);
    const selector = (deployment.spec as { selector: { matchLabels: Record<string, string> } }).selector;
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: selector.matchLabels,
      ports: [{ name: 'http', port: 18080, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  test('with more than one replica, a PodDisruptionBudget keeps one running', () => {
    const ha = synthChart(new SparkHistoryChart(testApp(), { env: DEV, repoRoot, replicas: 2 }));
    expect(pick(ha, 'PodDisruptionBudget', SPARK_HISTORY_NAME).spec).toMatchObject({ minAvailable: 1 });
  });

  test('fails when replicas is not a whole number of at least 1', () => {
    expect(() => new SparkHistoryChart(testApp(), { env: DEV, repoRoot, replicas: 0 })).toThrow(
      /replicas must be a whole number of at least 1, got 0/,
    );
  });

  test('fails when the spark-runtime build context is missing', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'spark-history-empty-'));
    try {
      expect(() => new SparkHistoryChart(testApp(), { env: DEV, repoRoot: empty })).toThrow(
        /etl\/images\/spark-runtime: build context of image 'spark-runtime' is missing/,
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test('renders spark-defaults.conf sorted, one property a line', () => {
    expect(renderSparkDefaults({ 'b.key': '2', 'a.key': '1' })).toBe('a.key 1\nb.key 2\n');
  });

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });
});
