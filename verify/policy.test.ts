import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { evaluateRules, runPolicy } from './policy';
import { RULES } from './rules';
import { hardenedSparkApplication, hardenedWorkflowTemplate } from './rules/testing';
import { formatSummary, verifyDist } from './run';
import { makeDist, namespace, terraformFiles } from './testing';
import { REPO_ROOT } from './upstream-cache';
import { environmentOfStack, kubernetesObjects, loadDist, terraformStackFromJson } from './dist';
import type { Rule } from './rules/lib/rule';
import { compliant, nonCompliant, notApplicable } from './rules/lib/rule';

const RULES_DIR = path.join(REPO_ROOT, 'verify', 'rules');
const SUPPRESSIONS = path.join(REPO_ROOT, 'verify', 'suppressions.yaml');

describe('the rule registry', () => {
  // verify/rules/<area>/<id>-<slug>.ts; rules/lib holds shared helpers, other files beside a rule are its helpers.
  const ruleFiles = fs
    .readdirSync(RULES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'lib')
    .flatMap((d) =>
      fs
        .readdirSync(path.join(RULES_DIR, d.name))
        .filter((f) => /^[a-z0-9]+-\d{3}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
        .map((f) => `${d.name}/${f}`),
    );

  test('has at least 40 rules with unique AREA-NNN ids, a one-line info and a rationale', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(40);
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[A-Z0-9]+-\d{3}$/);
      expect(rule.info).not.toMatch(/\n/);
      expect(rule.info.length).toBeGreaterThan(10);
      expect(rule.rationale.length).toBeGreaterThan(40);
    }
  });

  test('lists every rule file, one rule per file named after its id', () => {
    const registered = RULES.map((r) => r.id.toLowerCase());
    expect(ruleFiles.length).toBe(RULES.length);
    for (const file of ruleFiles) {
      const [area, name] = file.split('/');
      const id = /^([a-z0-9]+-\d{3})-/.exec(name)?.[1];
      expect(id?.split('-')[0], `${file} sits in the folder of its id's area`).toBe(area);
      expect(id, file).toBeDefined();
      expect(registered, file).toContain(id);
      const source = fs.readFileSync(path.join(RULES_DIR, file), 'utf8');
      expect(source.match(/export const [A-Z0-9_]+: \w+Rule = \{/g), file).toHaveLength(1);
    }
  });

  test('every rule has a test file beside it with Compliance and Noncompliance cases', () => {
    for (const file of ruleFiles) {
      const testFile = path.join(RULES_DIR, file.replace(/\.ts$/, '.test.ts'));
      expect(fs.existsSync(testFile), testFile).toBe(true);
      const source = fs.readFileSync(testFile, 'utf8');
      expect(source, testFile).toMatch(/ruleTests\(/);
      expect(source, testFile).toMatch(/compliant: \[\s*\{/);
      expect(source, testFile).toMatch(/nonCompliant: \[\s*\{/);
    }
  });
});

describe('terraformStackFromJson', () => {
  const json = {
    provider: { aws: [{ allowed_account_ids: ['111122223333'] }] },
    resource: {
      aws_s3_bucket: { b: { '//': { metadata: { path: 'dev-x/B/Resource' } }, bucket: 'name' } },
      aws_s3_bucket_policy: {
        p: { bucket: '${aws_s3_bucket.b.id}', policy: '${data.aws_iam_policy_document.d.json}' },
      },
    },
    data: { aws_iam_policy_document: { d: { statement: [] } } },
  };
  const stack = terraformStackFromJson('dev-x', 'f.json', json);

  test('lists resources with address, environment, construct path and values without metadata', () => {
    expect(stack.resources.map((r) => [r.address, r.env, r.constructPath])).toEqual([
      ['aws_s3_bucket.b', 'dev', 'dev-x/B/Resource'],
      ['aws_s3_bucket_policy.p', 'dev', undefined],
    ]);
    expect(stack.resources[0].values).toEqual({ bucket: 'name' });
    expect(stack.lookup.accountIds).toEqual(['111122223333']);
  });

  test('resolves whole references to data sources and resources of the stack, nothing else', () => {
    expect(stack.lookup.reference('${data.aws_iam_policy_document.d.json}')).toMatchObject({
      mode: 'data',
      type: 'aws_iam_policy_document',
      name: 'd',
      attribute: 'json',
    });
    expect(stack.lookup.reference('${aws_s3_bucket.b.id}')).toMatchObject({
      mode: 'resource',
      values: { bucket: 'name' },
    });
    expect(stack.lookup.reference('${aws_s3_bucket.missing.id}')).toBeUndefined();
    expect(stack.lookup.reference('arn:${aws_s3_bucket.b.arn}/*')).toBeUndefined();
    expect(stack.lookup.reference(42)).toBeUndefined();
  });

  test('environment of a stack is its name without the unit, hyphenated units included', () => {
    expect(environmentOfStack('prod-spark-history')).toBe('prod');
    expect(environmentOfStack('dev-foundation')).toBe('dev');
    expect(environmentOfStack('stray')).toBe('stray');
  });
});

describe('evaluateRules', () => {
  const input = {
    stacks: [
      terraformStackFromJson('dev-x', 'f.json', {
        resource: { aws_sqs_queue: { q: {} }, aws_vpc: { v: {} } },
      }),
    ],
    objects: kubernetesObjects(
      'k.yaml',
      'dev',
      (() => {
        const template = hardenedWorkflowTemplate();
        (template.spec as { templates: unknown[] }).templates.push({
          name: 'run',
          resource: { action: 'create', manifest: stringify(hardenedSparkApplication()) },
        });
        return template;
      })(),
    ),
  };
  const rules: Rule[] = [
    {
      id: 'T-001',
      info: 'queues',
      rationale: 'r',
      appliesTo: 'terraform',
      evaluate: (r) => (r.type === 'aws_sqs_queue' ? nonCompliant('bad queue') : notApplicable()),
    },
    {
      id: 'T-002',
      info: 'stack',
      rationale: 'r',
      appliesTo: 'terraform-stack',
      evaluate: (s) => s.resources.map((r) => ({ object: r.address, ...compliant() })),
    },
    {
      id: 'T-003',
      info: 'spark',
      rationale: 'r',
      appliesTo: 'kubernetes',
      evaluate: (o) => (o.manifest.kind === 'SparkApplication' ? nonCompliant('bad app') : notApplicable()),
    },
    {
      id: 'T-004',
      info: 'throws',
      rationale: 'r',
      appliesTo: 'kubernetes-environment',
      evaluate: () => {
        throw new Error('boom');
      },
    },
  ];

  test('applies each kind of rule, leaves not-applicable out, names embedded manifests, sorts', () => {
    expect(evaluateRules(rules, input)).toEqual([
      {
        rule: 'T-001',
        env: 'dev',
        file: 'f.json',
        object: 'aws_sqs_queue.q',
        status: 'non-compliant',
        message: 'bad queue',
      },
      { rule: 'T-002', env: 'dev', file: 'f.json', object: 'aws_sqs_queue.q', status: 'compliant' },
      { rule: 'T-002', env: 'dev', file: 'f.json', object: 'aws_vpc.v', status: 'compliant' },
      {
        rule: 'T-003',
        env: 'dev',
        file: 'k.yaml',
        object: 'SparkApplication/spark-jobs/etl-load',
        status: 'non-compliant',
        message: 'bad app (embedded in WorkflowTemplate/spark-jobs/pipeline templates[2])',
      },
      {
        rule: 'T-004',
        env: 'dev',
        file: 'k.yaml',
        object: '(environment)',
        status: 'non-compliant',
        message: 'rule T-004 failed: boom',
      },
    ]);
  });
});

describe('runPolicy', () => {
  const queue = { resource: { aws_sqs_queue: { q: { name: 'q' } } } };
  const suppressionsFile = (text: string): string => {
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'verify-suppressions-')),
      'suppressions.yaml',
    );
    fs.writeFileSync(file, text);
    return file;
  };

  test('reports violations as problems prefixed with the rule id', () => {
    const dist = makeDist(terraformFiles(queue));
    const result = runPolicy(loadDist(dist, path.dirname(dist)), { rules: RULES });
    expect(result.problems).toEqual([
      {
        file: 'dist/terraform/stacks/dev-test/cdk.tf.json',
        object: 'aws_sqs_queue.q',
        message: 'SQS-001: neither kms_master_key_id nor sqs_managed_sse_enabled = true',
      },
    ]);
    expect(result.rules.find((r) => r.id === 'SQS-001')).toMatchObject({
      evaluated: 1,
      violations: 1,
      compliant: 0,
    });
  });

  test('a suppression moves the finding out of the problems; a stale one is a problem', () => {
    const dist = makeDist(terraformFiles(queue));
    const file = suppressionsFile(
      stringify({
        suppressions: [
          { rule: 'SQS-001', object: 'aws_sqs_queue.*', env: 'dev', reason: 'test queue' },
          { rule: 'LOG-001', object: 'aws_cloudwatch_log_group.gone', reason: 'fixed long ago' },
        ],
      }),
    );
    const result = runPolicy(loadDist(dist, path.dirname(file)), { rules: RULES, suppressionsFile: file });
    expect(result.violations).toEqual([]);
    expect(result.suppressed.map((s) => [s.evaluation.object, s.suppression.reason])).toEqual([
      ['aws_sqs_queue.q', 'test queue'],
    ]);
    expect(result.problems).toEqual([
      {
        file: 'suppressions.yaml',
        object: 'suppressions[1]',
        message:
          'stale suppression of LOG-001 on aws_cloudwatch_log_group.gone: it matches no finding; remove it',
      },
    ]);
  });
});

describe('the committed dist/', () => {
  test('has no unsuppressed violation and no stale suppression', { timeout: 60_000 }, () => {
    const dist = path.join(REPO_ROOT, 'dist');
    const input = loadDist(dist, REPO_ROOT);
    const result = runPolicy(input, { rules: RULES, suppressionsFile: SUPPRESSIONS });
    expect(result.problems).toEqual([]);
    expect(result.evaluations.length).toBeGreaterThan(100);
    expect(input.stacks.length).toBeGreaterThan(0);
    expect(input.objects.length).toBeGreaterThan(0);
  });
});

describe('verifyDist with the policy', () => {
  test('adds violations to the problems and a policy line to the summary', { timeout: 180_000 }, () => {
    const dist = makeDist({
      ...terraformFiles({
        resource: { aws_cloudwatch_log_group: { g: { name: '/x', retention_in_days: 30 } } },
      }),
      'k8s/dev/ns/Namespace.a.yaml': namespace('a'),
    });
    const result = verifyDist(dist, { policy: { rules: RULES } });
    expect(result.problems.map((p) => p.message)).toEqual(['LOG-002: kms_key_id is not set']);
    expect(formatSummary(result).split('\n')).toEqual([
      'verify: 1 Kubernetes document (Namespace 1) + 0 embedded manifests, 2 Terraform files: 1 problem',
      `policy: ${RULES.length} rules (${RULES.length - 2} with nothing to check) on 2 objects, 2 evaluations: 1 violation, 0 suppressed, 0 stale suppressions`,
    ]);
  });
});
