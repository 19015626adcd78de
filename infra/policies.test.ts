import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { WILDCARD_RESOURCE_ACTIONS } from './constructs/iam';

/** A statement as it appears in synthesized Terraform (policy-document data source or JSON policy string). */
interface Statement {
  readonly where: string;
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
  /** Key policies: "*" as resource means the key itself. */
  readonly keyPolicy: boolean;
}

const DIST = path.resolve(__dirname, '../dist/terraform/stacks');
const asList = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string];

/** A statement of an `aws_iam_policy_document` data source. */
interface DocumentStatement {
  readonly sid?: string;
  readonly effect?: string;
  readonly actions?: string[];
  readonly resources?: string[];
}

/** A statement of a JSON policy string. */
interface JsonStatement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
}

/** Resources or data sources by type and name. */
type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/** Every IAM statement in one synthesized stack: policy-document data sources and inline JSON policies. */
export function statementsOf(
  stack: string,
  json: { readonly resource?: Blocks; readonly data?: Blocks },
): Statement[] {
  const keyPolicyDocs = new Set(
    Object.values(json.resource?.aws_kms_key ?? {}).map((key) =>
      String(key.policy).replace(/^\$\{data\.aws_iam_policy_document\.(.+)\.json\}$/, '$1'),
    ),
  );
  const found: Statement[] = [];
  for (const [name, doc] of Object.entries(json.data?.aws_iam_policy_document ?? {})) {
    for (const s of (doc.statement as DocumentStatement[] | undefined) ?? []) {
      found.push({
        where: `${stack} data.aws_iam_policy_document.${name} ${s.sid ?? ''}`,
        effect: s.effect ?? 'Allow',
        actions: asList(s.actions),
        resources: asList(s.resources),
        keyPolicy: keyPolicyDocs.has(name),
      });
    }
  }
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, resource] of Object.entries(byName)) {
      for (const field of ['policy', 'assume_role_policy']) {
        const value = resource[field];
        if (typeof value !== 'string' || !value.trim().startsWith('{')) continue;
        const parsed = JSON.parse(value) as { Statement?: JsonStatement[] };
        for (const s of parsed.Statement ?? []) {
          found.push({
            where: `${stack} ${type}.${name}.${field}`,
            effect: s.Effect ?? 'Allow',
            actions: asList(s.Action),
            resources: asList(s.Resource),
            keyPolicy: type === 'aws_kms_key',
          });
        }
      }
    }
  }
  return found;
}

/** Least-privilege violations of one statement (Deny statements cannot over-grant). */
export function violations(s: Statement): string[] {
  if (s.effect !== 'Allow') return [];
  const problems: string[] = [];
  for (const action of s.actions) {
    if (action === '*' || /^[a-z0-9-]+:\*$/.test(action)) problems.push(`${s.where}: grants '${action}'`);
  }
  if (s.resources.includes('*') && !s.keyPolicy) {
    const scoped = s.actions.filter((a) => !WILDCARD_RESOURCE_ACTIONS.includes(a));
    if (scoped.length > 0) problems.push(`${s.where}: '*' resource for ${scoped.join(', ')}`);
  }
  return problems;
}

function distStatements(): Statement[] {
  return fs
    .readdirSync(DIST)
    .sort()
    .flatMap((stack) =>
      statementsOf(
        stack,
        JSON.parse(fs.readFileSync(path.join(DIST, stack, 'cdk.tf.json'), 'utf8')) as {
          resource?: Blocks;
          data?: Blocks;
        },
      ),
    );
}

describe('IAM policies in dist/terraform', () => {
  test('grant no "*" action, no service-wide action and no "*" resource outside the allow-list', () => {
    const statements = distStatements();
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.flatMap(violations)).toEqual([]);
  });

  test('the walker flags a wildcard action, s3:*, and a "*" resource for a scoped action', () => {
    const base = { where: 'x', effect: 'Allow', keyPolicy: false };
    expect(violations({ ...base, actions: ['*'], resources: ['arn:aws:s3:::b'] })).toHaveLength(1);
    expect(violations({ ...base, actions: ['s3:*'], resources: ['arn:aws:s3:::b'] })).toHaveLength(1);
    expect(violations({ ...base, actions: ['s3:GetObject'], resources: ['*'] })).toHaveLength(1);
    expect(violations({ ...base, actions: ['ecr:GetAuthorizationToken'], resources: ['*'] })).toEqual([]);
    expect(violations({ ...base, effect: 'Deny', actions: ['s3:*'], resources: ['*'] })).toEqual([]);
  });

  test('the walker reads JSON policy strings as well as policy-document data sources', () => {
    const json = {
      resource: {
        aws_iam_role_policy: {
          p: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }) },
        },
      },
    };
    expect(statementsOf('s', json).flatMap(violations)).toHaveLength(2);
  });
});
