import { describe, expect, test } from 'vitest';
import dev from './environments/dev';
import { ConfigError, parseEnvironment, parseEnvironments } from './load';

const FILE = 'config/environments/dev.ts';
const parse = (input: unknown) => parseEnvironment({ file: FILE, input });

describe('parseEnvironment', () => {
  test('accepts the shipped dev environment and resolves defaults', () => {
    const env = parse(dev);
    expect(env).toMatchObject({
      name: 'dev',
      account: '111122223333',
      region: 'us-east-1',
      eks: { version: '1.35' },
    });
    expect(env.state.region).toBe('us-east-1');
  });

  test('defaults the EKS version to 1.35 and the tags to none', () => {
    const { eks: _eks, tags: _tags, ...rest } = dev;
    const env = parse(rest);
    expect(env.eks.version).toBe('1.35');
    expect(env.tags).toEqual({});
  });

  test('keeps an explicit state region', () => {
    expect(parse({ ...dev, state: { ...dev.state, region: 'eu-west-1' } }).state.region).toBe('eu-west-1');
  });

  test('reports every problem of a file at once', () => {
    expect(() => parse({ ...dev, account: '1', region: 'mars-1' })).toThrow(
      /field account: "1" is not allowed[\s\S]*field region: "mars-1" is not allowed/,
    );
  });

  test('fails with a ConfigError when the export is not an object', () => {
    expect(() => parse(undefined)).toThrow(ConfigError);
    expect(() => parse(undefined)).toThrow(/config\/environments\/dev\.ts: field \(root\)/);
  });

  test('fails when two files define the same environment in the same account, region and prefix', () => {
    expect(() =>
      parseEnvironments([
        { file: FILE, input: dev },
        { file: 'config/environments/dev.ts', input: dev },
      ]),
    ).toThrow(/already used by config\/environments\/dev\.ts/);
  });
});
