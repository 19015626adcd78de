import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { UPSTREAM_CRDS } from '../config';
import { SchemaRegistry, prepareStructuralSchema } from './schemas';
import { matching, sparkApplication } from './testing';
import { DEFAULT_CACHE_DIR } from './upstream-cache';

const registry = SchemaRegistry.forCache();

/** A cache holding only the SparkApplication CRD, as on a machine that filled the cache offline. */
function sparkOnlyCache(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-schemas-test-'));
  const file = UPSTREAM_CRDS.sparkApplication.path;
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.symlinkSync(path.join(DEFAULT_CACHE_DIR, file), path.join(dir, file));
  return dir;
}

describe('custom kinds', () => {
  test('accepts a valid SparkApplication', () => {
    expect(registry.validate(sparkApplication('etl'))).toEqual([]);
  });

  test('reports wrong enum values and types with the field path', () => {
    const messages = registry.validate(sparkApplication('etl', { type: 'Cobol', mode: 42 }));
    expect(messages).toContain(
      'spec.type: must be one of "Java", "Python", "Scala", "R" (got string "Cobol")',
    );
    expect(messages).toContain('spec.mode: must be string (got number 42)');
  });

  test('reports fields the CRD does not declare', () => {
    const messages = registry.validate(sparkApplication('etl', { driver: { cores: 1, memroy: '2g' } }));
    expect(messages).toEqual(['spec.driver.memroy: unknown field (not in the schema)']);
  });

  test('accepts an integer or a string where the CRD says int-or-string', () => {
    const template = (activeDeadlineSeconds: unknown): Record<string, unknown> => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowTemplate',
      metadata: { name: 'wt' },
      spec: { templates: [{ name: 'a', activeDeadlineSeconds, container: { image: 'busybox' } }] },
    });
    expect(registry.validate(template(60))).toEqual([]);
    expect(registry.validate(template('{{inputs.parameters.deadline}}'))).toEqual([]);
    expect(registry.validate(template([1]))).toEqual([
      'spec.templates[0].activeDeadlineSeconds: must be integer or string (got array [1])',
    ]);
  });

  test('checks the metadata of custom resources as ObjectMeta', () => {
    const app = sparkApplication('etl');
    app.metadata = { name: 'etl', labels: { team: 7 } };
    expect(registry.validate(app)).toEqual(['metadata.labels.team: must be string (got number 7)']);
  });

  test('reports a version the CRD does not serve', () => {
    const app = { ...sparkApplication('etl'), apiVersion: 'sparkoperator.k8s.io/v1beta1' };
    expect(registry.validate(app)).toEqual([matching(/not served by the pinned CRD .* it serves v1beta2/)]);
  });
});

describe('core kinds', () => {
  test('accepts a valid Role', () => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r', namespace: 'n' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    };
    expect(registry.validate(role)).toEqual([]);
  });

  test('reports an invalid ServiceAccount', () => {
    const account = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'sa' },
      automountServiceAccountToken: 'yes',
    };
    expect(registry.validate(account)).toEqual([
      'automountServiceAccountToken: must be boolean (got string "yes")',
    ]);
  });

  test('reports a Namespace whose name is a number', () => {
    expect(registry.validate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 42 } })).toEqual([
      'metadata.name: must be string (got number 42)',
    ]);
  });

  test('does not take a nested type for a kind', () => {
    expect(registry.validate({ apiVersion: 'v1', kind: 'PodSpec', metadata: { name: 'x' } })).toEqual([
      matching(/^no schema for v1\/PodSpec/),
    ]);
  });
});

describe('kinds without a schema', () => {
  test('an unknown kind is an error, not a skip', () => {
    expect(
      registry.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
    ).toEqual([
      'no schema for example.com/v1/Widget: not a core kind and no pinned CRD (add the CRD to config/upstream.ts)',
    ]);
  });

  test('a pinned CRD missing from the cache says to fill the cache', () => {
    const offline = new SchemaRegistry(sparkOnlyCache());
    expect(
      offline.validate({ apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'spot' } }),
    ).toEqual([
      'schema for karpenter.sh/v1/NodePool unavailable: crds/karpenter-v1.14.1/karpenter.sh_nodepools.yaml is not ' +
        'in the upstream cache; run `make cache` with internet access',
    ]);
    expect(offline.validate(sparkApplication('etl'))).toEqual([]);
  });

  test('an object without apiVersion or kind is reported', () => {
    expect(registry.validate({ metadata: { name: 'x' } })).toEqual([matching(/apiVersion and kind/)]);
  });
});

describe('prepareStructuralSchema', () => {
  test('closes declared objects but not preserved, map or junctor ones', () => {
    const prepared = prepareStructuralSchema({
      type: 'object',
      properties: {
        closed: { type: 'object', properties: { a: { type: 'string' } } },
        open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: {} } },
        map: { type: 'object', additionalProperties: { type: 'string' } },
        port: { 'x-kubernetes-int-or-string': true },
        either: {
          type: 'object',
          properties: { a: {} },
          anyOf: [{ properties: { a: {} }, required: ['a'] }],
        },
      },
    }) as { properties: Record<string, Record<string, unknown>> };
    expect(prepared.properties.closed.additionalProperties).toBe(false);
    expect(prepared.properties.open.additionalProperties).toBeUndefined();
    expect(prepared.properties.map.additionalProperties).toEqual({ type: 'string' });
    expect(prepared.properties.port.anyOf).toEqual([{ type: 'integer' }, { type: 'string' }]);
    expect(
      (prepared.properties.either.anyOf as Record<string, unknown>[])[0].additionalProperties,
    ).toBeUndefined();
  });
});
