import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { escapeXml, jsonReport, junitReport, writeReports } from './report';
import { RULES } from './rules';
import type { VerifyResult } from './run';
import { verifyDist } from './run';
import { makeDist, namespace, terraformFiles } from './testing';

function result(): VerifyResult {
  const dist = makeDist({
    ...terraformFiles({
      resource: {
        aws_sqs_queue: { q: { name: 'q' }, ok: { name: 'ok', sqs_managed_sse_enabled: true } },
        aws_cloudwatch_log_group: { g: { name: '/x' } },
      },
    }),
    'k8s/dev/ns/Namespace.a.yaml': namespace('a-c8a1b2c3d4'),
  });
  const file = path.join(path.dirname(dist), 'suppressions.yaml');
  fs.writeFileSync(
    file,
    stringify({
      suppressions: [
        {
          rule: 'LOG-001',
          object: 'aws_cloudwatch_log_group.g',
          reason: 'kept forever for <audit> & "legal"',
        },
        { rule: 'LOG-002', object: 'aws_cloudwatch_log_group.gone', reason: 'stale' },
      ],
    }),
  );
  return verifyDist(dist, { policy: { rules: RULES, suppressionsFile: file } });
}

/** Minimal XML well-formedness: tags nest and close, attribute values and text hold no raw markup or bare `&`. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  for (const token of body.split(/(<[^>]*>)/).filter((t) => t !== '')) {
    if (!token.startsWith('<')) {
      if (/[<>]|&(?!(amp|lt|gt|quot|apos);)/.test(token)) return false;
      continue;
    }
    const close = /^<\/([\w.-]+)>$/.exec(token);
    const open = /^<([\w.-]+)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>$/.exec(token);
    if (close !== null) {
      if (stack.pop() !== close[1]) return false;
    } else if (open !== null) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(open[2])) return false;
      if (open[3] !== '/') stack.push(open[1]);
    } else {
      return false;
    }
  }
  return stack.length === 0;
}

describe('reports', () => {
  const verified = result();

  test('the JSON report has the summary, problems, rules, evaluations and suppressions', () => {
    const json = jsonReport(verified);
    expect(json.ok).toBe(false);
    expect(json.summary).toMatchObject({
      kubernetesDocuments: 1,
      terraformFiles: 2,
      referencesChecked: null,
      rules: RULES.length,
      evaluations: 4,
      violations: 2,
      suppressed: 1,
      staleSuppressions: 1,
    });
    expect(json.evaluations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'LOG-001',
          status: 'suppressed',
          reason: 'kept forever for <audit> & "legal"',
        }),
        expect.objectContaining({ rule: 'SQS-001', object: 'aws_sqs_queue.q', status: 'violation' }),
        expect.objectContaining({ rule: 'SQS-001', object: 'aws_sqs_queue.ok', status: 'compliant' }),
      ]),
    );
    expect(json.suppressions).toEqual([
      expect.objectContaining({ rule: 'LOG-001', matched: 1 }),
      expect.objectContaining({ rule: 'LOG-002', object: 'aws_cloudwatch_log_group.gone', matched: 0 }),
    ]);
  });

  test('the JUnit report is well-formed XML with a suite per rule, failures, skips and escaped text', () => {
    const xml = junitReport(verified);
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="verify" tests="\d+" failures="\d+" errors="0" skipped="\d+">/,
    );
    expect(xml).toContain('<testsuite name="policy.SQS-001" tests="2" failures="1" errors="0" skipped="0">');
    expect(xml).toContain(
      '<skipped message="suppressed: kept forever for &lt;audit&gt; &amp; &quot;legal&quot;"/>',
    );
    expect(xml).toContain('<testsuite name="policy.CF-002" tests="1" failures="0" errors="0" skipped="1">');
    expect(xml).toMatch(
      /<testsuite name="verify\.dist" tests="1" failures="1"[^>]*>\n\s+<testcase classname="verify\.dist" name="dist\/k8s\/dev\/ns\/Namespace\.a\.yaml">/,
    );
    expect(xml).toContain('name="LOG-002 aws_cloudwatch_log_group.gone">');
    const testcases = xml.match(/<testcase /g)?.length ?? 0;
    expect(xml).toContain(`<testsuites name="verify" tests="${testcases}"`);
    const opened = xml.match(/<testsuite /g)?.length;
    expect(xml.match(/<\/testsuite>/g)?.length).toBe(opened);
  });

  test('the reports are deterministic and written into the reports folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-reports-'));
    const first = writeReports(dir, verified);
    const bytes = [fs.readFileSync(first.json, 'utf8'), fs.readFileSync(first.junit, 'utf8')];
    writeReports(dir, result());
    expect([fs.readFileSync(first.json, 'utf8'), fs.readFileSync(first.junit, 'utf8')]).toEqual(bytes);
    expect(path.basename(first.json)).toBe('verify.json');
    expect(path.basename(first.junit)).toBe('verify-junit.xml');
  });

  test('escapeXml escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(wellFormed('<a><b></a>')).toBe(false);
    expect(wellFormed('<a x="1 & 2"/>')).toBe(false);
    expect(wellFormed('<a x="1 &amp; 2">t</a>')).toBe(true);
  });
});
