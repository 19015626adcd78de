import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { loadPipelines } from '../../config';
import { DEV, synthChart, testApp } from '../testing';
import { PipelinesChart } from './pipelines-chart';

// The shipped samples, as analysts will read them: the real etl/ folder, not fixtures.
const REPO_ROOT = path.resolve(__dirname, '../..');
const pipelines = loadPipelines(REPO_ROOT, DEV);
const manifests = synthChart(new PipelinesChart(testApp(), { env: DEV, pipelines, repoRoot: REPO_ROOT }));

interface Template {
  readonly name: string;
  readonly dag?: { tasks: { name: string; template: string; dependencies?: string[] }[] };
  readonly resource?: { manifest: string };
}

function templateOf(name: string): Template[] {
  const wt = manifests.find((m) => m.kind === 'WorkflowTemplate' && m.metadata.name === name);
  if (wt === undefined) throw new Error(`no WorkflowTemplate ${name}`);
  return (wt.spec as { templates: Template[] }).templates;
}

describe('customer-scd2 sample', () => {
  test('loads both staging jobs in parallel, merges after both, then registers the table', () => {
    const dag = templateOf('customer-scd2').find((t) => t.dag)?.dag;
    const edges = Object.fromEntries(
      (dag?.tasks ?? []).map((t) => [t.name, [...(t.dependencies ?? [])].sort()]),
    );
    expect(edges).toEqual({
      'initial-load': [],
      'delta-load': [],
      'scd2-merge': ['delta-load', 'initial-load'],
      'register-table': ['scd2-merge'],
    });
  });

  test('the Arc jobs run ARC with environments enforced', () => {
    const arcJobs = templateOf('customer-scd2')
      .filter((t) => t.resource)
      .map((t) => parse(t.resource!.manifest) as { spec: { mainClass?: string; arguments?: string[] } })
      .filter((app) => app.spec.mainClass === 'ai.tripl.arc.ARC');
    expect(arcJobs).toHaveLength(3);
    for (const app of arcJobs) {
      expect(app.spec.arguments).toEqual(
        expect.arrayContaining([
          '--etl.config.ignoreEnvironments=false',
          '--etl.config.environment=production',
        ]),
      );
    }
  });

  test('the Arc notebooks gate on %sqlvalidate, spelled correctly', () => {
    for (const notebook of ['initial_load', 'delta_load', 'scd2_merge']) {
      const text = fs.readFileSync(path.join(REPO_ROOT, `etl/jobs/customer-scd2/${notebook}.ipynb`), 'utf8');
      expect(text, notebook).toContain('%sqlvalidate');
      expect(text, notebook).not.toMatch(/%sqlvaildate|%sqlvalidat\b/);
    }
  });

  test('the SQL variant has the same DAG shape', () => {
    const dag = templateOf('customer-scd2-sql').find((t) => t.dag)?.dag;
    // Four jobs and the merge's data tests step, which the Athena registration waits for.
    expect(dag?.tasks.map((t) => [t.name, t.dependencies ?? []])).toEqual([
      ['initial-load', []],
      ['delta-load', []],
      ['scd2-merge', ['initial-load', 'delta-load']],
      ['scd2-merge-tests', ['scd2-merge']],
      ['register-table', ['scd2-merge-tests']],
    ]);
  });

  test('word-count scales executors dynamically between 1 and 20', () => {
    const manifest = templateOf('word-count').find((t) => t.resource)!.resource!.manifest;
    const app = parse(manifest) as { spec: { sparkConf: Record<string, string> } };
    expect(app.spec.sparkConf).toMatchObject({
      'spark.dynamicAllocation.enabled': 'true',
      'spark.dynamicAllocation.minExecutors': '1',
      'spark.dynamicAllocation.maxExecutors': '20',
    });
  });
});
