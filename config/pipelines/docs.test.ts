import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadEnvironments } from '../shipped';
import {
  README_HEADER,
  arcNotice,
  describeResources,
  describeSchedule,
  formatDuration,
  renderPipelinesReadme,
} from './docs';
import { loadPipelines } from './load';
import type { JobSpec, PipelineSpec, Runtime } from './model';
import { SIZE_PRESETS } from './presets';

const dev = loadEnvironments(['dev'])[0];

function job(id: string, runtime: Runtime, files: string[], dependsOn: string[] = []): JobSpec {
  return {
    id,
    runtime,
    files,
    size: 'medium',
    resources: SIZE_PRESETS.medium,
    sparkConf: {},
    parameters: {},
    retries: 2,
    timeoutSeconds: 5400,
    dependsOn,
  };
}

const PIPELINES: PipelineSpec[] = [
  {
    file: 'etl/pipelines/customer-scd2.yaml',
    name: 'customer-scd2',
    description: 'Customer contacts | SCD type 2',
    owner: 'data-platform',
    tags: { domain: 'customer' },
    schedule: { cron: '30 2 * * *', timezone: 'Europe/Berlin', startingDeadlineSeconds: 300 },
    concurrencyPolicy: 'Forbid',
    parameters: {},
    jobs: [
      job('initial-load', 'arc', ['customer-scd2/initial_load.ipynb']),
      job('delta-load', 'arc', ['customer-scd2/delta_load.ipynb'], ['initial-load']),
      job(
        'merge',
        'sql',
        ['customer-scd2-sql/01_stage.sql', 'customer-scd2-sql/02_merge.sql'],
        ['initial-load', 'delta-load'],
      ),
    ],
  },
  {
    file: 'etl/pipelines/word-count.yaml',
    name: 'word-count',
    description: 'Counts words into <DATALAKE>/word_count',
    owner: 'analytics',
    tags: {},
    concurrencyPolicy: 'Allow',
    parameters: {},
    jobs: [job('end', 'pyspark', ['word-count/word_count.py'])],
  },
];

describe('renderPipelinesReadme', () => {
  const readme = renderPipelinesReadme(dev, PIPELINES);

  test('starts with the generated-file header and names the environment', () => {
    expect(readme.split('\n').slice(0, 3)).toEqual([README_HEADER, '', '# ETL pipelines: dev']);
  });

  test('lists every pipeline with owner, schedule in words with its time zone, and job count', () => {
    expect(readme).toContain(
      '| [customer-scd2](#customer-scd2) | data-platform | At 02:30 (Europe/Berlin) | 3 | Customer contacts \\| SCD type 2 |',
    );
    expect(readme).toContain(
      '| [word-count](#word-count) | analytics | manual (no schedule) | 1 | Counts words into &lt;DATALAKE&gt;/word_count |',
    );
  });

  test('draws each DAG as a Mermaid flowchart with one node per job and an edge per dependency', () => {
    const diagram = /## customer-scd2[\s\S]*?```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(diagram).toBe(
      [
        'flowchart LR',
        '  job_initial_load["initial-load<br/>arc"]',
        '  job_delta_load["delta-load<br/>arc"]',
        '  job_merge["merge<br/>sql"]',
        '  job_initial_load --> job_delta_load',
        '  job_initial_load --> job_merge',
        '  job_delta_load --> job_merge',
        '',
      ].join('\n'),
    );
    // A job called 'end' (a Mermaid keyword) still renders as a node.
    expect(readme).toContain('  job_end["end<br/>pyspark"]');
  });

  test('lists each job with its files and size', () => {
    expect(readme).toContain(
      '| merge | sql | `etl/jobs/customer-scd2-sql/01_stage.sql`, `etl/jobs/customer-scd2-sql/02_merge.sql` | ' +
        'medium: driver 2 cores/4g · executors 1–10 × 2 cores/8g · 50Gi local storage | initial-load, delta-load | ' +
        '2 retries, 90m timeout |',
    );
  });

  test('documents the runtime parameters with their values in this environment', () => {
    expect(readme).toContain('| `DATALAKE` | `s3a://sqletl-dev-datalake-111122223333-us-east-1/warehouse` |');
    expect(readme).toContain("| `EPOCH` | per run, from the workflow's start time |");
  });

  test('is deterministic and ends with one newline', () => {
    expect(renderPipelinesReadme(dev, PIPELINES)).toBe(readme);
    expect(readme.endsWith('|\n')).toBe(true);
    expect(readme).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  test('escapes angle brackets so Markdown does not swallow them as HTML', () => {
    expect(readme).toContain('\nCounts words into &lt;DATALAKE&gt;/word_count\n');
    expect(readme).not.toContain('<DATALAKE>');
  });

  test('says so when there are no pipelines', () => {
    expect(renderPipelinesReadme(dev, [])).toContain('No pipelines are defined.');
  });
});

describe('helpers', () => {
  test('schedules in words', () => {
    expect(
      describeSchedule({ cron: '*/15 6-18 * * 1-5', timezone: 'UTC', startingDeadlineSeconds: 300 }),
    ).toBe('Every 15 minutes, between 06:00 and 18:59, Monday through Friday (UTC)');
    expect(describeSchedule(undefined)).toBe('manual (no schedule)');
  });

  test('durations and resources', () => {
    expect([formatDuration(7200), formatDuration(5400), formatDuration(45)]).toEqual(['2h', '90m', '45s']);
    expect(describeResources(SIZE_PRESETS.local)).toBe(
      'driver 2 cores/4g · executors 1 × 1 core/2g · 10Gi local storage',
    );
  });
});

describe('Arc is flagged as the compatibility runtime', () => {
  const pipelines = loadPipelines(path.resolve(__dirname, '../..'));
  test('make synth prints one notice line naming exactly the pipelines with Arc jobs', () => {
    const notice = arcNotice(pipelines);
    expect(notice).toBeDefined();
    expect(notice!.split('\n')).toHaveLength(1);
    expect(notice).toMatch(
      /^notice: customer-scd2, nyc-taxi use the Arc compatibility runtime .* runtime sql/,
    );
    expect(notice).not.toContain('word-count');
    expect(notice).not.toContain('customer-scd2-sql');
  });
  test('no notice when no pipeline uses Arc', () => {
    expect(arcNotice(pipelines.filter((p) => p.jobs.every((j) => j.runtime !== 'arc')))).toBeUndefined();
  });
  test('the generated README puts the note next to every Arc job and nowhere else', () => {
    const readme = renderPipelinesReadme(dev, pipelines);
    const arcRows = readme.split('\n').filter((l) => /^\| [a-z0-9-]+ \| arc/.test(l));
    expect(arcRows).toHaveLength(4);
    for (const row of arcRows) expect(row).toContain('arc (compatibility runtime, see below)');
    const notes = readme.split('\n').filter((l) => l.startsWith('> **Arc jobs'));
    expect(notes).toEqual([
      expect.stringContaining(
        'Arc jobs (initial-load, delta-load, scd2-merge).** Arc is the compatibility runtime',
      ),
      expect.stringContaining('Arc jobs (trips-per-day-zone).**'),
    ]);
  });
});
