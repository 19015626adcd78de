import type { App } from 'cdktf';
import { Testing, type TerraformStack } from 'cdktf';
import {
  SHIPPED_ENVIRONMENT_INPUTS,
  parseEnvironment,
  type EnvironmentConfig,
  type EnvironmentInput,
} from '../config';

const { dev, prod } = SHIPPED_ENVIRONMENT_INPUTS;

/** The shipped environments, validated, for tests. */
export const DEV: EnvironmentConfig = parseEnvironment({ file: 'config/environments/dev.ts', input: dev });
export const PROD: EnvironmentConfig = parseEnvironment({ file: 'config/environments/prod.ts', input: prod });

/** An environment derived from dev with some fields changed (validated like a file would be). */
export function devWith(changes: Partial<EnvironmentInput>): EnvironmentConfig {
  return parseEnvironment({ file: 'config/environments/dev.ts', input: { ...dev, ...changes } });
}

/** A cdktf app configured like infra/main.ts, for tests. */
export function testApp(): App {
  return Testing.app({ stackTraces: false });
}

/** Synthesized Terraform JSON of a stack, parsed. */
export interface TerraformJson {
  readonly terraform: { readonly backend: Record<string, Record<string, unknown>> };
  readonly provider: Record<string, Record<string, unknown>[]>;
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown }>;
}

/** Synthesizes a stack and returns the raw JSON string (for cdktf `Testing` matchers) and its parsed form. */
export function synthStack(stack: TerraformStack): { readonly raw: string; readonly json: TerraformJson } {
  const raw = Testing.synth(stack);
  return { raw, json: JSON.parse(raw) as TerraformJson };
}

/** All resources of one type in synthesized JSON, by Terraform name. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}
