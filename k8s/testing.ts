import { Testing } from 'cdk8s';
import type { Chart } from 'cdk8s';
import { SHIPPED_ENVIRONMENT_INPUTS, parseEnvironment, type EnvironmentConfig } from '../config';

const { dev, prod } = SHIPPED_ENVIRONMENT_INPUTS;

/** The shipped environments, validated, for tests. */
export const DEV: EnvironmentConfig = parseEnvironment({ file: 'config/environments/dev.ts', input: dev });
export const PROD: EnvironmentConfig = parseEnvironment({ file: 'config/environments/prod.ts', input: prod });

/** A Kubernetes manifest as synthesized. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

/** A fresh cdk8s app for tests. */
export const testApp = () => Testing.app();

/** Synthesizes a chart's manifests. */
export function synthChart(chart: Chart): Manifest[] {
  return Testing.synth(chart) as Manifest[];
}

/** The one manifest of a kind and name; fails the test when there is not exactly one. */
export function pick(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0];
}
