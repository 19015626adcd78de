import * as path from 'node:path';
import { App } from 'cdktf';
import { environmentsForCli } from '../config/cli';
import { addEnvironmentStacks } from './app';

// Entry point of the AWS layer (also what cdktf.json runs). The output directory comes from CDKTF_OUTDIR (set by
// make and by the cdktf CLI). ENVIRONMENTS, a comma-separated list, limits which environments are synthesized.
const app = new App({
  // Stack traces embed absolute paths; output must not depend on where the repository lives.
  stackTraces: false,
  context: { excludeStackIdFromLogicalIds: 'true', allowSepCharsInLogicalIds: 'true' },
});
for (const env of environmentsForCli(process.env.ENVIRONMENTS))
  addEnvironmentStacks(app, env, path.resolve(__dirname, '..'));
app.synth();
