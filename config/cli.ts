import { loadEnvironments } from './shipped';
import type { EnvironmentConfig } from './environment';
import { ConfigError } from './load';

/**
 * For entry points: the environments named in ENVIRONMENTS (comma-separated; all when empty), or — on a config
 * error — the error's message (file, field, value, fix) on stderr and exit status 1, without a stack trace.
 */
export function environmentsForCli(only: string | undefined): EnvironmentConfig[] {
  try {
    return loadEnvironments((only ?? '').split(',').filter((name) => name !== ''));
  } catch (error) {
    if (
      error instanceof ConfigError ||
      (error instanceof Error && error.message.startsWith('unknown environment'))
    ) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
