import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, YamlOutputType } from 'cdk8s';
import { type EnvironmentConfig, renderPipelinesReadme, type PipelineSpec } from '../config';
import { AdhocSubmitChart } from './charts/adhoc-submit-chart';
import { ArgoCdChart } from './charts/argocd-chart';
import { ArgoSsoRbacChart } from './charts/argo-sso-rbac-chart';
import { ExternalSecretsChart } from './charts/external-secrets-chart';
import { KarpenterChart } from './charts/karpenter-chart';
import { NamespacesChart } from './charts/namespaces-chart';
import { PipelinesChart } from './charts/pipelines-chart';
import { SparkHistoryChart } from './charts/spark-history-chart';
import { SparkJobsAccessChart } from './charts/spark-jobs-access-chart';
import { StorageChart } from './charts/storage-chart';
import { TeamChart } from './charts/team-chart';
import { WebTargetsChart } from './charts/web-targets-chart';
import { WorkloadIdentitiesChart } from './charts/workload-identities-chart';

/** What one environment's Kubernetes layer is made from. */
export interface EnvironmentInput {
  readonly env: EnvironmentConfig;
  /** The validated pipelines, with asset parameters resolved for `env`. */
  readonly pipelines: readonly PipelineSpec[];
  /** Where etl/ is read from (job files, image contexts); never written into the output. */
  readonly repoRoot: string;
}

/** Creates every chart of one environment in `app`. */
export function addEnvironmentCharts(app: App, input: EnvironmentInput): void {
  const { env, pipelines, repoRoot } = input;
  new NamespacesChart(app, { env });
  new WorkloadIdentitiesChart(app, { env });
  new SparkJobsAccessChart(app, { env });
  new PipelinesChart(app, { env, pipelines, repoRoot });
  new AdhocSubmitChart(app, { env, repoRoot });
  new StorageChart(app, { env });
  new KarpenterChart(app, { env });
  new SparkHistoryChart(app, { env, repoRoot });
  new ArgoSsoRbacChart(app, { env });
  new ExternalSecretsChart(app, { env });
  new ArgoCdChart(app, { env });
  new WebTargetsChart(app, { env });
  for (const team of env.teams) new TeamChart(app, { env, team });
}

/**
 * Synthesizes one environment into `<outdir>/<env>/`: one file per resource, plus a generated README listing the
 * pipelines, their schedules in words and each DAG as a Mermaid diagram.
 */
export function synthEnvironment(outdir: string, input: EnvironmentInput): void {
  const envDir = path.join(outdir, input.env.name);
  const app = new App({
    outdir: envDir,
    outputFileExtension: '.yaml',
    yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
  });
  addEnvironmentCharts(app, input);
  app.synth();
  fs.writeFileSync(path.join(envDir, 'README.md'), renderPipelinesReadme(input.env, input.pipelines));
}
