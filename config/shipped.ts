import { environmentSources } from './environments';
import type { EnvironmentConfig } from './environment';
import { parseEnvironments } from './load';

/**
 * Loads and validates the shipped environments, optionally only those named (in the order given).
 * Throws ConfigError naming the file and field of the first problem.
 */
export function loadEnvironments(only?: readonly string[]): EnvironmentConfig[] {
  const all = parseEnvironments(environmentSources);
  if (only === undefined || only.length === 0) return all;
  return only.map((name) => {
    const env = all.find((e) => e.name === name);
    if (env === undefined) {
      throw new Error(
        `unknown environment '${name}'; defined environments: ${all.map((e) => e.name).join(', ')}`,
      );
    }
    return env;
  });
}
