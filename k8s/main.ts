import * as path from 'node:path';
import { environmentsForCli } from '../config/cli';
import { pipelinesForCli } from '../config/pipelines/cli';
import { synthEnvironment } from './app';

// Entry point of the Kubernetes layer (also what cdk8s.yaml runs): one app per environment, written to
// <CDK8S_OUTDIR>/<env>/. ENVIRONMENTS, a comma-separated list, limits which environments are synthesized.
const outdir = process.env.CDK8S_OUTDIR ?? 'dist/k8s';
const repoRoot = path.resolve(__dirname, '..');
for (const env of environmentsForCli(process.env.ENVIRONMENTS)) {
  synthEnvironment(outdir, { env, pipelines: pipelinesForCli(repoRoot, env), repoRoot });
}
