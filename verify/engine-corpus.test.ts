import { describe, expect, test } from 'vitest';
import { loadEngineCorpus } from './engine-corpus';
import { SchemaRegistry } from './schemas';

// The API server's side of each case runs in `make dry-run` (engines/dry-run.ts), against the same files, and fails
// the target when its verdict differs from `expect`.
const corpus = loadEngineCorpus();

describe('engine corpus, verify side (schema + CEL)', () => {
  test('has at least 10 broken cases over NodePool, EC2NodeClass, WorkflowTemplate and SparkApplication', () => {
    const broken = corpus.filter((c) => c.expect === 'rejected');
    expect(broken.length).toBeGreaterThanOrEqual(10);
    expect(new Set(broken.map((c) => c.object.kind))).toEqual(
      new Set(['NodePool', 'EC2NodeClass', 'WorkflowTemplate', 'SparkApplication']),
    );
  });

  test('holds the broken inputs the engine tier must catch: a NodePool operator and a SparkApplication field type', () => {
    const byName = new Map(corpus.map((c) => [c.name, c]));
    expect(byName.get('02-nodepool-invalid-operator')?.expect).toBe('rejected');
    expect(byName.get('02-nodepool-invalid-operator')?.object.kind).toBe('NodePool');
    expect(byName.get('15-sparkapplication-wrong-field-type')?.expect).toBe('rejected');
    expect(byName.get('15-sparkapplication-wrong-field-type')?.object.kind).toBe('SparkApplication');
  });

  test.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const problems = SchemaRegistry.forCache().validate(c.object);
    if (c.expect === 'accepted') {
      expect(problems).toEqual([]);
    } else {
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.join('\n')).toMatch(c.catches ?? /./);
    }
  });
});
