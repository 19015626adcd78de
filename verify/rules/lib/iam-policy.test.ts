import { describe, expect, test } from 'vitest';
import { stack } from '../testing';
import { accountRoot, resolvePolicy } from './iam-policy';

describe('resolvePolicy', () => {
  const lookup = stack(
    {},
    {
      aws_iam_policy_document: {
        base: { statement: [{ sid: 'A', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }] },
        merged: {
          source_policy_documents: ['${data.aws_iam_policy_document.base.json}'],
          override_policy_documents: ['${data.aws_iam_policy_document.override.json}'],
          statement: [
            {
              sid: 'B',
              effect: 'Deny',
              actions: ['s3:*'],
              resources: ['*'],
              principals: [{ type: 'AWS', identifiers: ['*'] }],
              condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
            },
          ],
        },
        override: { statement: [{ sid: 'A', actions: ['s3:PutObject'], resources: ['arn:aws:s3:::b/*'] }] },
      },
    },
  ).lookup;

  test('reads a data source with its source and override documents (same sid replaces)', () => {
    const resolved = resolvePolicy('${data.aws_iam_policy_document.merged.json}', lookup);
    expect(resolved.statements?.map((s) => [s.sid, s.effect, s.actions])).toEqual([
      ['A', 'Allow', ['s3:PutObject']],
      ['B', 'Deny', ['s3:*']],
    ]);
    expect(resolved.statements?.[1].conditions).toEqual([
      { test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] },
    ]);
  });

  test('reads a JSON policy: string or list elements, "*" and typed principals, conditions', () => {
    const resolved = resolvePolicy(
      JSON.stringify({
        Statement: {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'ec2.amazonaws.com', AWS: ['arn:aws:iam::111122223333:role/r'] },
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
        },
      }),
      lookup,
    );
    expect(resolved.statements).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        notActions: [],
        resources: [],
        notResources: [],
        principals: [
          { type: 'Service', identifiers: ['ec2.amazonaws.com'] },
          { type: 'AWS', identifiers: ['arn:aws:iam::111122223333:role/r'] },
        ],
        notPrincipals: [],
        conditions: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111122223333'] }],
      },
    ]);
    expect(
      resolvePolicy(JSON.stringify({ Statement: [{ Principal: '*' }] }), lookup).statements?.[0].principals,
    ).toEqual([{ type: '*', identifiers: ['*'] }]);
  });

  test('fails on what it cannot read offline', () => {
    expect(resolvePolicy('${data.aws_iam_policy_document.missing.json}', lookup).error).toMatch(
      /not an aws_iam_policy_document of this stack/,
    );
    expect(resolvePolicy('${jsonencode({})}', lookup).error).toMatch(/cannot be read offline/);
    expect(resolvePolicy('{not json', lookup).error).toMatch(/not valid JSON/);
    expect(resolvePolicy(undefined, lookup).error).toMatch(/not a string/);
  });

  test('accountRoot recognizes root ARNs and bare account ids', () => {
    expect(accountRoot('arn:aws:iam::111122223333:root')).toBe('111122223333');
    expect(accountRoot('arn:aws-us-gov:iam::111122223333:root')).toBe('111122223333');
    expect(accountRoot('111122223333')).toBe('111122223333');
    expect(accountRoot('arn:aws:iam::111122223333:role/x')).toBeUndefined();
  });
});
