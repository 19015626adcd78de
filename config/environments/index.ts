import type { EnvironmentSource } from '../load';
import dev from './dev';
import prod from './prod';

/**
 * Every shipped environment. To add one, copy dev.ts to <name>.ts, edit it, and add a line here.
 * `file` is what error messages name.
 */
/** The shipped environment files' default exports by name, not yet validated: tests derive variants from them. */
export const SHIPPED_ENVIRONMENT_INPUTS = { dev, prod } as const;

export const environmentSources: readonly EnvironmentSource[] = [
  { file: 'config/environments/dev.ts', input: dev },
  { file: 'config/environments/prod.ts', input: prod },
];
