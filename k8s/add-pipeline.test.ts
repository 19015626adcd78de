import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { TempRepo } from '../test-support/temp-repo';

// An analyst's change: one SQL file and a few lines of YAML, no TypeScript.
const PIPELINE = `# yaml-language-server: $schema=../pipeline.schema.json
name: daily-orders
description: Orders per day
owner: analytics
schedule: { cron: '15 4 * * *', timezone: UTC }
jobs:
  - id: aggregate
    runtime: sql
    file: daily-orders/aggregate.sql
    size: small
`;
const SQL = 'CREATE OR REPLACE TABLE delta.`${DATALAKE}/orders_daily` AS SELECT 1 AS n;\n';

describe('adding a pipeline', () => {
  let repo: TempRepo;
  let output = '';
  let status = 1;
  beforeAll(() => {
    repo = TempRepo.create();
    repo.write('etl/pipelines/daily-orders.yaml', PIPELINE);
    repo.write('etl/jobs/daily-orders/aggregate.sql', SQL);
    ({ status, output } = repo.make('synth'));
  });
  afterAll(() => repo.dispose());

  test('needs no TypeScript change: make synth succeeds', () => {
    expect(output).toContain('daily-orders');
    expect(status).toBe(0);
  });

  test('produces its WorkflowTemplate and CronWorkflow in every environment', () => {
    for (const env of ['dev', 'prod']) {
      const template = parse(
        fs.readFileSync(
          repo.path(`dist/k8s/${env}/${env}-pipelines/WorkflowTemplate.daily-orders.yaml`),
          'utf8',
        ),
      ) as { kind: string; spec: { templates: { name: string; resource?: { manifest: string } }[] } };
      expect(template.kind).toBe('WorkflowTemplate');
      const manifest = template.spec.templates.find((t) => t.resource)?.resource?.manifest ?? '';
      expect(manifest).toContain('aggregate.sql');
      expect(
        fs.existsSync(repo.path(`dist/k8s/${env}/${env}-pipelines/CronWorkflow.daily-orders.yaml`)),
      ).toBe(true);
    }
  });

  test('uploads the new SQL file and lists the pipeline in the generated README', () => {
    expect(fs.readFileSync(repo.path('dist/terraform/stacks/dev-assets/cdk.tf.json'), 'utf8')).toContain(
      'jobs/daily-orders/aggregate.sql',
    );
    expect(fs.readFileSync(repo.path('dist/k8s/dev/README.md'), 'utf8')).toContain('daily-orders');
  });
});
