import * as fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Environment } from '@marcbachmann/cel-js';
import { applyDefaults, celViolations, checkRule, evaluateRule } from './cel';
import { cachedCrds } from './upstream-cache';

describe('Kubernetes CEL shims', () => {
  test('find returns the first match, or an empty string', () => {
    expect(evaluateRule(`self.find('^([^/]+)') == 'karpenter.sh'`, 'karpenter.sh/nodepool')).toBe(true);
    expect(evaluateRule(`self.find('[0-9]+') == ''`, 'no digits')).toBe(true);
  });

  test('findAll returns every match, limited when asked', () => {
    expect(evaluateRule(`self.findAll('[0-9]+') == ['1', '22', '333']`, 'a1b22c333')).toBe(true);
    expect(evaluateRule(`self.findAll('[0-9]+', 2) == ['1', '22']`, 'a1b22c333')).toBe(true);
  });

  test('a rule that cannot be evaluated is reported, not passed', () => {
    expect(evaluateRule(`self.split('@')[1] == 'latest'`, 'al2023')).toMatch(/index|range|bound/i);
    expect(evaluateRule('self.missing == 1', {})).toMatch(/No such key/);
  });
});

describe('celViolations', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          replicas: { type: 'integer', default: 1 },
          max: { type: 'integer' },
        },
        'x-kubernetes-validations': [
          { rule: 'self.replicas <= self.max', message: 'replicas above max' },
          { rule: 'self.max == oldSelf.max', message: 'max is immutable' },
        ],
      },
    },
  };

  test('applies schema defaults before evaluating, and compares integers as CEL ints', () => {
    expect(celViolations(schema, { spec: { max: 2 } })).toEqual([]);
    expect(celViolations(schema, { spec: { max: 0 } })).toEqual([
      'spec: replicas above max (CEL: self.replicas <= self.max)',
    ]);
    expect(applyDefaults(schema as never, { spec: {} })).toEqual({ spec: { replicas: 1 } });
  });

  test('skips transition rules (oldSelf), which only run on update', () => {
    expect(celViolations(schema, { spec: { replicas: 1, max: 5 } })).toEqual([]);
  });
});

describe('pinned CRDs', () => {
  test('every x-kubernetes-validations rule compiles with the shims', () => {
    const rules = new Set<string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) {
        node.forEach(collect);
      } else if (node !== null && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        for (const rule of (record['x-kubernetes-validations'] as { rule: string }[] | undefined) ?? []) {
          rules.add(rule.rule);
        }
        Object.values(record).forEach(collect);
      }
    };
    for (const crd of cachedCrds()) {
      if (crd.cachedPath !== undefined) {
        // A chart's crds.yaml holds several CRDs.
        for (const document of parseAllDocuments(fs.readFileSync(crd.cachedPath, 'utf8'))) {
          collect(document.toJS({ maxAliasCount: -1 }));
        }
      }
    }
    expect(rules.size).toBeGreaterThan(40);
    expect([...rules].filter((rule) => checkRule(rule) !== undefined)).toEqual([]);
    // Without the shims the library rejects the Karpenter rules that call find().
    const plain = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
    const needShims = [...rules].filter((rule) => checkRule(rule, plain) !== undefined);
    expect(needShims.length).toBeGreaterThan(0);
    expect(needShims.every((rule) => /\.find(All)?\(/.test(rule))).toBe(true);
  });
});
