import type { z } from 'zod';
import { EnvironmentSchema, type EnvironmentConfig, type EnvironmentInput } from './environment';

/** One environment file and what it exports. */
export interface EnvironmentSource {
  /** Path of the file relative to the repository root, used in error messages. */
  readonly file: string;
  /** The file's default export, not yet validated. */
  readonly input: unknown;
}

/** A configuration error; the message names the file, the field, the bad value and the fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeIssue(file: string, input: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const where = path.length > 0 ? path.join('.') + '.' : '';
    return issue.keys
      .map(
        (k) =>
          `${file}: field ${where}${k}: unknown field; remove it or check the spelling (see config/environment.ts)`,
      )
      .join('\n');
  }
  if (issue.code === 'invalid_key') {
    // A bad record key: the path ends at the key, so show the key rather than its value.
    const reason = issue.issues.map((i) => i.message).join('; ');
    return `${file}: field ${path.join('.')}: key ${show(path[path.length - 1])} is not allowed: ${reason}`;
  }
  const field = path.length > 0 ? path.join('.') : '(root)';
  const value = valueAt(input, issue.path);
  return `${file}: field ${field}: ${show(value)} is not allowed: ${issue.message}`;
}

/** Validates one environment file's export and resolves its defaults. Throws ConfigError listing every problem. */
export function parseEnvironment(source: EnvironmentSource): EnvironmentConfig {
  const result = EnvironmentSchema.safeParse(source.input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => describeIssue(source.file, source.input, i)).join('\n'),
    );
  }
  const env = result.data;
  const expectedName = /([^/]+)\.ts$/.exec(source.file)?.[1];
  if (expectedName !== undefined && env.name !== expectedName) {
    throw new ConfigError(
      `${source.file}: field name: ${show(env.name)} does not match the file name; ` +
        `name the file ${env.name}.ts or set name: '${expectedName}'`,
    );
  }
  return { ...env, state: { ...env.state, region: env.state.region ?? env.region } };
}

/** Validates every environment; fails on the first file with problems and on duplicate names or prefixes. */
export function parseEnvironments(sources: readonly EnvironmentSource[]): EnvironmentConfig[] {
  const envs = sources.map(parseEnvironment);
  const seen = new Map<string, string>();
  envs.forEach((env, i) => {
    const key = `${env.account}/${env.region}/${env.prefix}/${env.name}`;
    const other = seen.get(key);
    if (other !== undefined) {
      throw new ConfigError(
        `${sources[i].file}: field name: ${show(env.name)} with prefix ${show(env.prefix)} is already used by ${other} ` +
          'in the same account and region; physical names would collide. Change name or prefix.',
      );
    }
    seen.set(key, sources[i].file);
  });
  return envs;
}

export type { EnvironmentInput };
