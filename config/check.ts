// `make synth` runs this first, so a config error is reported once, before either app starts.
import { environmentsForCli } from './cli';

const envs = environmentsForCli(process.env.ENVIRONMENTS);
console.log(`config: ${envs.map((env) => env.name).join(', ')} valid`);
