import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import type { Evaluation } from './policy';
import { applySuppressions, parseSuppressions, readSuppressions, suppresses } from './suppressions';

const RULES = ['S3-001', 'NET-001'];
const parse = (value: unknown) => parseSuppressions(stringify(value), 'verify/suppressions.yaml', RULES);
const finding = (object: string, env = 'dev', rule = 'NET-001'): Evaluation => ({
  rule,
  env,
  file: 'f',
  object,
  status: 'non-compliant',
  message: 'm',
});

describe('parseSuppressions', () => {
  test('reads rule, object, optional env and reason', () => {
    expect(
      parse({
        suppressions: [{ rule: 'NET-001', object: 'aws_security_group.alb', env: 'prod', reason: ' why ' }],
      }),
    ).toEqual({
      suppressions: [
        { rule: 'NET-001', object: 'aws_security_group.alb', env: 'prod', reason: 'why', index: 0 },
      ],
      problems: [],
    });
  });

  test('an empty file or list means no suppressions', () => {
    expect(parseSuppressions('# nothing\n', 'f', RULES)).toEqual({ suppressions: [], problems: [] });
    expect(parse({ suppressions: [] })).toEqual({ suppressions: [], problems: [] });
  });

  test('fails when the reason is missing or empty, the rule unknown, a key unknown, or an entry repeated', () => {
    const { suppressions, problems } = parse({
      suppressions: [
        { rule: 'NET-001', object: 'a' },
        { rule: 'NET-001', object: 'b', reason: '   ' },
        { rule: 'XYZ-001', object: 'c', reason: 'r' },
        { rule: 'S3-001', object: 'd', reason: 'r', ticket: 1 },
        { rule: 'S3-001', object: 'e', reason: 'r' },
        { rule: 'S3-001', object: 'e', reason: 'again' },
        'just a string',
      ],
    });
    expect(suppressions.map((s) => s.object)).toEqual(['e']);
    expect(problems.map((p) => `${p.object}: ${p.message}`)).toEqual([
      'suppressions[0]: reason is missing or empty: say why the finding is accepted',
      'suppressions[1]: reason is missing or empty: say why the finding is accepted',
      'suppressions[2]: rule XYZ-001 is not in verify/rules/index.ts',
      'suppressions[3]: unknown key "ticket"',
      'suppressions[5]: duplicate of an earlier suppression of S3-001 on e',
      'suppressions[6]: each suppression is a mapping with rule, object, reason and optionally env',
    ]);
  });

  test('fails on a YAML syntax error or a file that is not a mapping with a list', () => {
    expect(parseSuppressions('suppressions: [', 'f', RULES).problems[0].message).toMatch(
      /^YAML syntax error/,
    );
    expect(parse(['a']).problems[0].message).toMatch(/`suppressions:` list/);
    expect(parse({ suppressions: 'x' }).problems[0].message).toMatch(/`suppressions:` list/);
  });

  test('a missing file means no suppressions', () => {
    expect(readSuppressions('/no/such/file.yaml', 'f', RULES)).toEqual({ suppressions: [], problems: [] });
  });
});

describe('applySuppressions', () => {
  const [exact, glob, prodOnly] = parse({
    suppressions: [
      { rule: 'NET-001', object: 'aws_security_group.alb', reason: 'a' },
      { rule: 'NET-001', object: 'Role/spark-jobs/*', reason: 'b' },
      { rule: 'S3-001', object: 'aws_s3_bucket.x', env: 'prod', reason: 'c' },
    ],
  }).suppressions;

  test('matches rule, object (with * globs, dots literal) and environment', () => {
    expect(suppresses(exact, finding('aws_security_group.alb'))).toBe(true);
    expect(suppresses(exact, finding('aws_security_groupXalb'))).toBe(false);
    expect(suppresses(glob, finding('Role/spark-jobs/driver'))).toBe(true);
    expect(suppresses(prodOnly, finding('aws_s3_bucket.x', 'dev', 'S3-001'))).toBe(false);
    expect(suppresses(prodOnly, finding('aws_s3_bucket.x', 'prod', 'S3-001'))).toBe(true);
  });

  test('splits violations from suppressed findings and counts uses (0 = stale)', () => {
    const compliant: Evaluation = { ...finding('aws_security_group.alb'), status: 'compliant' };
    const result = applySuppressions(
      [finding('aws_security_group.alb'), finding('aws_security_group.other'), compliant],
      [exact, glob],
    );
    expect(result.violations.map((v) => v.object)).toEqual(['aws_security_group.other']);
    expect(result.suppressed.map((s) => s.suppression.reason)).toEqual(['a']);
    expect(result.uses.map((u) => u.matched)).toEqual([1, 0]);
  });
});
