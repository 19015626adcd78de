import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PolicyResult } from './policy';
import type { Problem } from './problem';
import type { VerifyResult } from './run';

/** File names of the reports inside the reports folder. */
export const REPORT_FILES = { json: 'verify.json', junit: 'verify-junit.xml' } as const;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The policy line of the summary:
 * `policy: 68 rules (20 with nothing to check) on 1304 objects, 570 evaluations: 0 violations, 1 suppressed, 0 stale suppressions`.
 */
export function formatPolicySummary(policy: PolicyResult): string {
  const idle = policy.rules.filter((r) => r.evaluated === 0).length;
  const objects = policy.objects.terraform + policy.objects.kubernetes;
  const stale = policy.suppressions.filter((u) => u.matched === 0).length;
  return (
    `policy: ${plural(policy.rules.length, 'rule')}${idle === 0 ? '' : ` (${idle} with nothing to check)`} on ` +
    `${plural(objects, 'object')}, ${plural(policy.evaluations.length, 'evaluation')}: ` +
    `${plural(policy.violations.length, 'violation')}, ${policy.suppressed.length} suppressed, ` +
    `${plural(stale, 'stale suppression')}`
  );
}

function key(p: Problem): string {
  return JSON.stringify([p.file, p.object, p.message]);
}

/** The problems that did not come from the policy rules (schema, names, references, determinism). */
function distProblems(result: VerifyResult): Problem[] {
  const policy = new Set((result.policy?.problems ?? []).map(key));
  return result.problems.filter((p) => !policy.has(key(p)));
}

/**
 * The machine-readable report (reports/verify.json): the summary counts, every problem, every rule with its counts,
 * every evaluation (status compliant, violation or suppressed) and every suppression with what it matched. Contains
 * no timestamp or absolute path, so the same dist/ gives the same bytes.
 */
export function jsonReport(result: VerifyResult): Record<string, unknown> {
  const { counts, policy } = result;
  const suppressedBy = new Map((policy?.suppressed ?? []).map((s) => [s.evaluation, s.suppression] as const));
  return {
    ok: result.problems.length === 0,
    summary: {
      problems: result.problems.length,
      kubernetesDocuments: counts.kubernetesDocuments,
      kinds: counts.kinds,
      embeddedManifests: counts.embeddedManifests,
      terraformFiles: counts.terraformFiles,
      referencesChecked: counts.referencesChecked ?? null,
      rules: policy?.rules.length ?? 0,
      objects: policy === undefined ? 0 : policy.objects.terraform + policy.objects.kubernetes,
      evaluations: policy?.evaluations.length ?? 0,
      violations: policy?.violations.length ?? 0,
      suppressed: policy?.suppressed.length ?? 0,
      staleSuppressions: policy?.suppressions.filter((u) => u.matched === 0).length ?? 0,
    },
    problems: result.problems.map((p) => ({ file: p.file, object: p.object, message: p.message })),
    rules: (policy?.rules ?? []).map((r) => ({
      id: r.id,
      appliesTo: r.appliesTo,
      info: r.info,
      rationale: r.rationale,
      evaluated: r.evaluated,
      compliant: r.compliant,
      violations: r.violations,
      suppressed: r.suppressed,
    })),
    evaluations: (policy?.evaluations ?? []).map((e) => {
      const suppression = suppressedBy.get(e);
      return {
        rule: e.rule,
        env: e.env,
        file: e.file,
        object: e.object,
        status:
          e.status === 'compliant' ? 'compliant' : suppression === undefined ? 'violation' : 'suppressed',
        ...(e.message === undefined ? {} : { message: e.message }),
        ...(suppression === undefined ? {} : { reason: suppression.reason }),
      };
    }),
    suppressions: (policy?.suppressions ?? []).map(({ suppression: s, matched }) => ({
      rule: s.rule,
      object: s.object,
      env: s.env ?? null,
      reason: s.reason,
      matched,
    })),
  };
}

/** Escapes text for XML content and attribute values, dropping characters XML 1.0 cannot hold. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

interface TestCase {
  readonly name: string;
  readonly failure?: { readonly message: string; readonly type: string; readonly body: string };
  readonly skipped?: string;
}

interface Suite {
  readonly xml: string;
  readonly tests: number;
  readonly failures: number;
  readonly skipped: number;
}

function suiteXml(name: string, cases: readonly TestCase[]): Suite {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const lines = [
    `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${escapeXml(name)}" name="${escapeXml(c.name)}"`;
    if (c.failure !== undefined) {
      lines.push(
        `${open}>`,
        `      <failure message="${escapeXml(c.failure.message)}" type="${escapeXml(c.failure.type)}">${escapeXml(c.failure.body)}</failure>`,
        '    </testcase>',
      );
    } else if (c.skipped !== undefined) {
      lines.push(`${open}>`, `      <skipped message="${escapeXml(c.skipped)}"/>`, '    </testcase>');
    } else {
      lines.push(`${open}/>`);
    }
  }
  lines.push('  </testsuite>');
  return { xml: lines.join('\n'), tests: cases.length, failures, skipped };
}

/**
 * JUnit XML (reports/verify-junit.xml), in a stable order:
 * - suite `verify.dist`: one test case per file with schema, name, reference or determinism problems (one passing
 *   case when there is none);
 * - suite `policy.<RULE>` per rule: one test case per object the rule applied to (`<object> [<file>]`), failing
 *   when non-compliant, skipped with the reason when suppressed; a rule that applied to nothing has one skipped case;
 * - suite `policy.suppressions`: one test case per suppression, failing when stale, plus the file's format errors.
 */
export function junitReport(result: VerifyResult): string {
  const suites: Suite[] = [];
  const byFile = new Map<string, Problem[]>();
  for (const problem of distProblems(result)) {
    byFile.set(problem.file, [...(byFile.get(problem.file) ?? []), problem]);
  }
  suites.push(
    suiteXml(
      'verify.dist',
      byFile.size === 0
        ? [{ name: 'dist/ schemas, names, references and determinism' }]
        : [...byFile.entries()].map(([file, problems]) => ({
            name: file,
            failure: {
              message: plural(problems.length, 'problem'),
              type: 'verify',
              body: problems.map((p) => `${p.object}  ${p.message}`).join('\n'),
            },
          })),
    ),
  );
  const policy = result.policy;
  if (policy !== undefined) {
    const suppressedBy = new Map(policy.suppressed.map((s) => [s.evaluation, s.suppression] as const));
    for (const rule of policy.rules) {
      const cases: TestCase[] = policy.evaluations
        .filter((e) => e.rule === rule.id)
        .map((e) => {
          const name = `${e.object} [${e.file}]`;
          if (e.status === 'compliant') return { name };
          const suppression = suppressedBy.get(e);
          if (suppression !== undefined) return { name, skipped: `suppressed: ${suppression.reason}` };
          return {
            name,
            failure: {
              message: e.message ?? rule.info,
              type: rule.id,
              body: `${rule.info}\n${rule.rationale}`,
            },
          };
        });
      suites.push(
        suiteXml(
          `policy.${rule.id}`,
          cases.length > 0
            ? cases
            : [{ name: rule.info, skipped: 'no object in dist/ is subject to this rule' }],
        ),
      );
    }
    const suppressionProblems = policy.problems.filter(
      (p) => p.object.startsWith('suppressions[') || p.object === '(file)',
    );
    const cases: TestCase[] = policy.suppressions.map(({ suppression: s, matched }) => ({
      name: `${s.rule} ${s.object}${s.env === undefined ? '' : ` (${s.env})`}`,
      ...(matched === 0
        ? { failure: { message: 'stale suppression: it matches no finding', type: 'stale', body: s.reason } }
        : {}),
    }));
    for (const p of suppressionProblems.filter((p) => !p.message.startsWith('stale suppression'))) {
      cases.push({ name: p.object, failure: { message: p.message, type: 'format', body: p.file } });
    }
    suites.push(suiteXml('policy.suppressions', cases));
  }
  const total = (field: 'tests' | 'failures' | 'skipped'): number => suites.reduce((n, s) => n + s[field], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="verify" tests="${total('tests')}" failures="${total('failures')}" errors="0" skipped="${total('skipped')}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

/** Writes reports/verify.json and reports/verify-junit.xml into `dir` (created when missing); returns their paths. */
export function writeReports(dir: string, result: VerifyResult): { json: string; junit: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, REPORT_FILES.json);
  const junit = path.join(dir, REPORT_FILES.junit);
  fs.writeFileSync(json, `${JSON.stringify(jsonReport(result), null, 2)}\n`);
  fs.writeFileSync(junit, junitReport(result));
  return { json, junit };
}
