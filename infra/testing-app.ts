import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EnvironmentConfig } from '../config';
import { addEnvironmentStacks } from './app';
import { testApp, type TerraformJson } from './testing';

/** Synthesizes every stack of the given environments into a test app's temp folder; returns JSON by stack name. */
export function synthEnvironments(...envs: EnvironmentConfig[]): Map<string, TerraformJson> {
  const app = testApp();
  for (const env of envs) addEnvironmentStacks(app, env, path.resolve(__dirname, '..'));
  app.synth();
  const stacksDir = path.join(app.outdir, 'stacks');
  const result = new Map<string, TerraformJson>();
  for (const stack of fs.readdirSync(stacksDir).sort()) {
    result.set(
      stack,
      JSON.parse(fs.readFileSync(path.join(stacksDir, stack, 'cdk.tf.json'), 'utf8')) as TerraformJson,
    );
  }
  return result;
}
