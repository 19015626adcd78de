import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  AWS_REGIONS,
  SHIPPED_ENVIRONMENT_INPUTS,
  parseEnvironment,
  PipelineError,
  allowedKeysAt,
  isValidName,
  parsePipeline,
} from '../config';
import { REPO_ROOT } from '../test-support/temp-repo';

const dev = SHIPPED_ENVIRONMENT_INPUTS.dev;

/**
 * Every fix a message suggests must itself pass the same validation: a "did you mean" that leads to the next error
 * (or a rename to a file name the loader rejects) costs the user a second round trip. Each test makes many mistakes,
 * collects every suggestion the messages make and validates it with the loader's own rules.
 */

const WORD_COUNT = parse(
  fs.readFileSync(path.join(REPO_ROOT, 'etl/pipelines/word-count.yaml'), 'utf8'),
) as Record<string, unknown>;

function problems(file: string, doc: unknown): string[] {
  try {
    parsePipeline(file, stringify(doc), REPO_ROOT);
  } catch (error) {
    if (error instanceof PipelineError) return [...error.problems];
    throw error;
  }
  return [];
}

function all(pattern: RegExp, lines: readonly string[]): string[] {
  return lines.flatMap((line) => [...line.matchAll(pattern)].map((m) => m[1]));
}

/** Typos a user makes: a letter dropped, doubled, swapped with the next, capitalised; '-' for '_' and back. */
function typos(word: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < word.length; i++) {
    out.add(word.slice(0, i) + word.slice(i + 1));
    out.add(word.slice(0, i) + word[i] + word.slice(i));
    if (i + 1 < word.length) out.add(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  }
  out.add(word.toUpperCase());
  out.add(word.replace(/-/g, '_'));
  out.add(word.replace(/_/g, '-'));
  out.delete(word);
  return [...out];
}

describe('suggested fixes are valid', () => {
  test('a name that differs from the file name: every "set name:" and "rename the file to" passes', () => {
    const fileNames = [
      'Daily-Revenue',
      'daily_revenue',
      'daily-revenue',
      '9lives',
      'dailyRevenue',
      'a'.repeat(45),
    ];
    const names = [
      'Daily-Revenue',
      'daily-revenue',
      'dailyRevenue',
      'daily revenue',
      'revenue-2',
      'b'.repeat(41),
    ];
    let suggestions = 0;
    for (const fileName of fileNames) {
      for (const name of names) {
        if (name === fileName) continue;
        const lines = problems(`etl/pipelines/${fileName}.yaml`, { ...WORD_COUNT, name });
        const nameLine = lines.find((l) => l.includes('does not match the file name'));
        expect(nameLine, `${fileName}.yaml with name ${name}:\n${lines.join('\n')}`).toBeDefined();
        const fixes = [
          ...all(/set name: ([^ ]+?)(?: or|$| \(line)/g, [nameLine!]),
          ...all(/rename the file to (.+?)\.yaml/g, [nameLine!]),
        ];
        for (const fix of fixes) expect(isValidName(fix), `${nameLine}`).toBe(true);
        suggestions += fixes.length;
      }
    }
    // The mixes above include valid names on either side, so suggestions were made and checked.
    expect(suggestions).toBeGreaterThan(10);
  });

  test('a misspelt field: every "did you mean" is an allowed field there', () => {
    const job = (WORD_COUNT.jobs as Record<string, unknown>[])[0];
    let suggestions = 0;
    for (const [where, keys] of [
      [[], allowedKeysAt([])],
      [['jobs', 0], allowedKeysAt(['jobs', 0])],
    ] as const) {
      for (const key of keys) {
        for (const typo of typos(key)) {
          if (keys.includes(typo)) continue;
          const doc =
            where.length === 0
              ? { ...WORD_COUNT, [typo]: 'x' }
              : { ...WORD_COUNT, jobs: [{ ...job, [typo]: 'x' }] };
          const guesses = all(/did you mean '([^']+)'\?/g, problems('etl/pipelines/word-count.yaml', doc));
          for (const guess of guesses) expect(keys, `${typo} → ${guess}`).toContain(guess);
          suggestions += guesses.length;
        }
      }
    }
    expect(suggestions).toBeGreaterThan(50);
  });

  test('a misspelt dependency: every "did you mean" is a job of the pipeline', () => {
    const job = (WORD_COUNT.jobs as Record<string, unknown>[])[0];
    const ids = ['initial-load', 'delta-load', 'scd2-merge'];
    let suggestions = 0;
    for (const id of ids) {
      for (const typo of typos(id)) {
        const jobs = [...ids.map((i) => ({ ...job, id: i })), { ...job, id: 'report', dependsOn: [typo] }];
        const guesses = all(
          /did you mean '([^']+)'\?/g,
          problems('etl/pipelines/word-count.yaml', { ...WORD_COUNT, jobs }),
        );
        for (const guess of guesses) expect(ids).toContain(guess);
        suggestions += guesses.length;
      }
    }
    expect(suggestions).toBeGreaterThan(20);
  });

  test('the job id budget: an id of the suggested length passes', () => {
    const job = (WORD_COUNT.jobs as Record<string, unknown>[])[0];
    let checked = 0;
    for (const name of ['customer-revenue-by-region-daily', 'a'.repeat(40), 'word-count']) {
      const file = `etl/pipelines/${name}.yaml`;
      const long = { ...WORD_COUNT, name, jobs: [{ ...job, id: `j${'x'.repeat(39)}` }] };
      const [budget] = all(/Shorten the job id to at most (\d+) characters/g, problems(file, long));
      if (budget === undefined) continue;
      const fitting = { ...long, jobs: [{ ...job, id: `j${'x'.repeat(Number(budget) - 1)}` }] };
      expect(problems(file, fitting)).toEqual([]);
      checked++;
    }
    // word-count leaves room for any 40-character id; the two long names do not.
    expect(checked).toBe(2);
  });

  test('a misspelt region: every "did you mean" is an AWS region', () => {
    let suggestions = 0;
    for (const region of AWS_REGIONS) {
      for (const typo of typos(region)) {
        if ((AWS_REGIONS as readonly string[]).includes(typo)) continue;
        let message = '';
        try {
          parseEnvironment({ file: 'config/environments/dev.ts', input: { ...dev, region: typo } });
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message, typo).toMatch(/field region: /);
        const guesses = all(/did you mean "([^"]+)"\?/g, [message]);
        for (const guess of guesses) expect(AWS_REGIONS).toContain(guess);
        suggestions += guesses.length;
      }
    }
    expect(suggestions).toBeGreaterThan(500);
  });

  test('a CIDR with host bits set: the network address it suggests is accepted', () => {
    for (const cidr of ['10.20.1.0/16', '10.20.255.255/20', '172.16.9.1/22', '192.168.3.0/17']) {
      let message = '';
      try {
        parseEnvironment({
          file: 'config/environments/dev.ts',
          input: { ...dev, network: { ...dev.network, cidr } },
        });
      } catch (error) {
        message = (error as Error).message;
      }
      const [fix] = all(/use the network address "([^"]+)"/g, [message]);
      expect(fix, message).toBeDefined();
      const network = { ...dev.network, cidr: fix };
      expect(() =>
        parseEnvironment({ file: 'config/environments/dev.ts', input: { ...dev, network } }),
      ).not.toThrow();
    }
  });
});
