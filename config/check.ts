// `make synth` runs this first, so a config or pipeline error is reported once, before either app starts.
import * as path from 'node:path';
import { environmentsForCli } from './cli';
import { pipelinesForCli } from './pipelines/cli';

const REPO_ROOT = path.resolve(__dirname, '..');

const envs = environmentsForCli(process.env.ENVIRONMENTS);
// Validation does not depend on the environment; resolving asset URIs per environment is the apps' job.
const pipelines = pipelinesForCli(REPO_ROOT);
const names = pipelines.map((p) => p.name).join(', ');
console.log(
  `config: ${envs.map((env) => env.name).join(', ')} valid; ` +
    (pipelines.length === 0 ? 'no pipelines in etl/pipelines/' : `pipelines: ${names} valid`),
);
