import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DIST_DIR,
  DIST_PATHS,
  environmentsForCli,
  pipelinesForCli,
  lineageGraph,
  renderOpenLineage,
} from '../config';
import { synthEnvironment } from './app';
import { setEmbeddedYamlCache } from './constructs/embedded-yaml';

// Entry point of the Kubernetes layer (also what cdk8s.yaml runs): one app per environment, written to
// <CDK8S_OUTDIR>/<env>/. ENVIRONMENTS, a comma-separated list, limits which environments are synthesized.
const outdir = process.env.CDK8S_OUTDIR ?? path.join(DIST_DIR, DIST_PATHS.k8s);
// dist/lineage/<env>.json: OpenLineage events of the environment's pipelines (beside k8s/ unless LINEAGE_OUTDIR says).
const lineageDir = process.env.LINEAGE_OUTDIR ?? path.join(path.dirname(outdir), DIST_PATHS.lineage);
const repoRoot = path.resolve(__dirname, '..');
// Embedded manifests rendered in an earlier run are reused (k8s/constructs/embedded-yaml.ts); .build/ is git-ignored.
setEmbeddedYamlCache(path.join(repoRoot, '.build', 'embedded-yaml.json'));
for (const env of environmentsForCli(process.env.ENVIRONMENTS)) {
  const pipelines = pipelinesForCli(repoRoot, env);
  synthEnvironment(outdir, { env, pipelines, repoRoot });
  fs.mkdirSync(lineageDir, { recursive: true });
  fs.writeFileSync(
    path.join(lineageDir, path.basename(DIST_PATHS.lineageFile(env.name))),
    renderOpenLineage(lineageGraph(pipelines, env), env),
  );
}
