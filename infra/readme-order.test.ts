import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DIST_PATHS, loadEnvironments, parseStackName, stackName } from '../config';

const REPO = path.resolve(__dirname, '..');
const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
const DIST = path.join(REPO, 'dist');
const STACKS_DIR = path.join(DIST, DIST_PATHS.terraformStacks);

/** The units of the README's stack table (`| 1 | \`<env>-foundation\` | … |`), in the table's order. */
function readmeStackOrder(readme: string): string[] {
  const rows = [...readme.matchAll(/^\|\s*(\d+)\s*\|\s*`<env>-([a-z-]+)`\s*\|/gm)];
  rows.forEach((row, i) => {
    if (Number(row[1]) !== i + 1) throw new Error(`README stack table: row ${i + 1} is numbered ${row[1]}`);
  });
  return rows.map((row) => row[2]);
}

/** The units `<env>-<unit>` reads through `terraform_remote_state` (cross-stack references included). */
function remoteStateReads(env: string, unit: string): string[] {
  const file = path.join(DIST, DIST_PATHS.terraformStack(stackName({ name: env }, unit)));
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    data?: { terraform_remote_state?: Record<string, { config: { key: string } }> };
  };
  return Object.values(json.data?.terraform_remote_state ?? {}).map((state) => {
    const read = parseStackName(path.posix.basename(state.config.key).replace(/\.tfstate$/, ''));
    if (read?.env !== env)
      throw new Error(`${file}: reads the state ${state.config.key} of another environment`);
    return read.unit;
  });
}

/** The deploy loop of the README (`for stack in … ; do`): the stacks applied from a workstation, in order. */
function readmeDeployLoop(readme: string): string[] {
  const loop = /^for stack in ([a-z -]+); do$/m.exec(readme);
  if (loop === null) throw new Error('README: no `for stack in …; do` deploy loop');
  return loop[1].trim().split(/\s+/);
}

describe('README deployment order', () => {
  const order = readmeStackOrder(README);

  test('the stack table lists every synthesized stack of every environment, once', () => {
    for (const env of loadEnvironments()) {
      const synthesized = fs
        .readdirSync(STACKS_DIR)
        .map(parseStackName)
        .filter((id) => id?.env === env.name)
        .map((id) => id?.unit ?? '')
        .sort();
      expect([...order].sort()).toEqual(synthesized);
    }
    expect(new Set(order).size).toBe(order.length);
  });

  test('every stack reads only stacks listed above it (no step waits on a later one)', () => {
    for (const env of loadEnvironments()) {
      for (const [i, unit] of order.entries()) {
        for (const read of remoteStateReads(env.name, unit)) {
          const at = order.indexOf(read);
          expect(at, `${stackName(env, unit)} reads ${stackName(env, read)}`).toBeGreaterThanOrEqual(0);
          expect(
            at,
            `${stackName(env, unit)} (row ${i + 1}) reads ${stackName(env, read)} (row ${at + 1})`,
          ).toBeLessThan(i);
        }
      }
    }
  });

  test('the deploy loop applies the table in its order, and the platform stack last, through the runner', () => {
    expect(readmeDeployLoop(README)).toEqual(order.slice(0, -1));
    expect(order[order.length - 1]).toBe('platform');
    expect(README).toMatch(/aws codebuild start-build --project-name sqletl-dev-platform-apply/);
  });

  test('the parser sees a misordered table', () => {
    const swapped = README.replace('`<env>-edge`', '`<env>-TMP`')
      .replace('`<env>-identity`', '`<env>-edge`')
      .replace('`<env>-TMP`', '`<env>-identity`');
    const wrong = readmeStackOrder(swapped);
    // identity now above edge, but it reads edge's state.
    expect(wrong.indexOf('identity')).toBeLessThan(wrong.indexOf('edge'));
    expect(remoteStateReads('dev', 'identity')).toContain('edge');
  });
});
