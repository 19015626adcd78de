import { describe, expect, test } from 'vitest';
import { requireChartDir } from './chart-cache';
import { loadChartValuesModel, mergeValues, unknownValueKeys } from './chart-values';

// The released charts `make cache` copies from ../shared/upstream/charts (unit depends on cache).
const karpenter = loadChartValuesModel(requireChartDir('karpenter', '1.14.1'));
const argoCd = loadChartValuesModel(requireChartDir('argo-cd', '10.1.1'));
const jupyterhub = loadChartValuesModel(requireChartDir('jupyterhub', '4.4.0'));

const paths = (model: Parameters<typeof unknownValueKeys>[0], values: unknown): string[] =>
  unknownValueKeys(model, values).map((p) => p.path);

describe('unknownValueKeys', () => {
  test('fails on a misspelt key in a structured mapping, and suggests the real one', () => {
    const problems = unknownValueKeys(karpenter, { controller: { resurces: { requests: { cpu: '1' } } } });
    expect(problems).toEqual([
      {
        path: 'controller.resurces',
        message: expect.stringMatching(
          /^key 'resurces' is unknown to chart karpenter 1\.14\.1: not in its values\.yaml, and no template reads \.Values\.controller\.resurces; Helm would ignore it; did you mean 'resources'\?$/,
        ) as string,
      },
    ]);
  });

  test('fails on a misspelt top-level key', () => {
    expect(paths(karpenter, { serviceAcount: { create: false } })).toEqual(['serviceAcount']);
  });

  test('accepts keys the defaults hold, and any key of a free-form mapping', () => {
    expect(
      paths(karpenter, {
        serviceAccount: { create: false, annotations: { 'eks.amazonaws.com/role-arn': 'arn' } },
        podAnnotations: { anything: 'x' },
        // The defaults hold kubernetes.io/os only; the template passes the whole mapping to toYaml.
        nodeSelector: { 'node-role.example/system': 'true' },
        controller: { resources: { requests: { cpu: '1' } } },
      }),
    ).toEqual([]);
  });

  test('accepts ConfigMap data keys a template ranges over, but not a misspelt sibling of them', () => {
    expect(paths(argoCd, { configs: { cm: { 'users.anonymous.enabled': false } } })).toEqual([]);
    expect(paths(argoCd, { configs: { cmm: { 'exec.enabled': false } } })).toEqual(['configs.cmm']);
  });

  test('checks keys under a dependency against the dependency chart', () => {
    expect(paths(argoCd, { 'redis-ha': { enabled: false, haproxyy: {} } })).toEqual(['redis-ha.haproxyy']);
  });

  test('uses the schema where the chart ships one', () => {
    // JupyterHub's schema closes hub.config-free mappings; `singleuser.imag` is in neither defaults nor schema.
    expect(paths(jupyterhub, { singleuser: { imag: { name: 'x' } }, hub: { baseUrl: '/' } })).toEqual([
      'singleuser.imag',
    ]);
  });
});

describe('mergeValues', () => {
  test('merges mappings key by key, replaces lists and scalars, deletes on null', () => {
    expect(mergeValues({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2] }, d: null, e: 3 })).toEqual({
      a: { b: 1, c: [2] },
      e: 3,
    });
  });
});
