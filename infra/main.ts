import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { DIST_PATHS, environmentsForCli } from '../config';
import { addEnvironmentStacks } from './app';
import { costReportMarkdown } from './cost/cost-report';

// Entry point of the AWS layer (also what cdktf.json runs). The output directory comes from CDKTF_OUTDIR (set by
// make and by the cdktf CLI). ENVIRONMENTS, a comma-separated list, limits which environments are synthesized.
const app = new App({
  // Stack traces embed absolute paths; output must not depend on where the repository lives.
  stackTraces: false,
  context: { excludeStackIdFromLogicalIds: 'true', allowSepCharsInLogicalIds: 'true' },
});
const envs = environmentsForCli(process.env.ENVIRONMENTS);
for (const env of envs) addEnvironmentStacks(app, env, path.resolve(__dirname, '..'));
app.synth();

// The cost reports go next to the Terraform: make writes <staging>/terraform, so they land in <staging>/cost and
// replace dist/ together with it (a failed synth leaves dist/cost as it was). The cdktf CLI's own output folder has
// no such sibling, so nothing is written then.
const outdir = process.env.CDKTF_OUTDIR;
if (outdir !== undefined && path.basename(outdir) === DIST_PATHS.terraform) {
  fs.mkdirSync(path.join(path.dirname(outdir), DIST_PATHS.cost), { recursive: true });
  for (const env of envs) {
    fs.writeFileSync(path.join(path.dirname(outdir), DIST_PATHS.costFile(env.name)), costReportMarkdown(env));
  }
}
