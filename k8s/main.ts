import * as path from 'node:path';
import { App, YamlOutputType } from 'cdk8s';
import { environmentsForCli } from '../config/cli';
import { NamespacesChart } from './charts/namespaces-chart';
import { SparkJobsAccessChart } from './charts/spark-jobs-access-chart';
import { WorkloadIdentitiesChart } from './charts/workload-identities-chart';

// Entry point of the Kubernetes layer (also what cdk8s.yaml runs): one app per environment, written to
// <CDK8S_OUTDIR>/<env>/. ENVIRONMENTS, a comma-separated list, limits which environments are synthesized.
const outdir = process.env.CDK8S_OUTDIR ?? 'dist/k8s';
for (const env of environmentsForCli(process.env.ENVIRONMENTS)) {
  const app = new App({
    outdir: path.join(outdir, env.name),
    outputFileExtension: '.yaml',
    yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
  });
  new NamespacesChart(app, { env });
  new WorkloadIdentitiesChart(app, { env });
  new SparkJobsAccessChart(app, { env });
  app.synth();
}
