import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { DataStack } from './stacks/data-stack';
import { FoundationStack } from './stacks/foundation-stack';
import { NetworkStack } from './stacks/network-stack';

/** The stacks of one environment, in deployment order. */
export interface EnvironmentStacks {
  readonly foundation: FoundationStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
}

/** Creates every stack of one environment in `app` (no synth: main.ts synthesizes, tests inspect). */
export function addEnvironmentStacks(app: Construct, env: EnvironmentConfig): EnvironmentStacks {
  const foundation = new FoundationStack(app, { env });
  const network = new NetworkStack(app, { env, foundation });
  const data = new DataStack(app, { env, foundation });
  return { foundation, network, data };
}
