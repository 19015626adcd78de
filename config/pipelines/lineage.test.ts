import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadEnvironments } from '../shipped';
import {
  OPENLINEAGE_EVENT_TIME,
  datasetKey,
  lineageGraph,
  openLineageEvents,
  renderLineageSection,
  type LineageGraph,
} from './lineage';
import { PipelineError, loadPipelines } from './load';

const REPO_ROOT = path.resolve(__dirname, '../..');
const dev = loadEnvironments(['dev'])[0];
const graph = lineageGraph(loadPipelines(REPO_ROOT, dev), dev);

/** `pipeline/job` → labels of what it reads and writes. */
function io(g: LineageGraph, name: string): { reads: string[]; writes: string[] } {
  const job = g.jobs.find((j) => `${j.pipeline.name}/${j.job.id}` === name)!;
  return { reads: job.inputs.map((d) => d.label), writes: job.outputs.map((d) => d.label) };
}

describe('the customer-scd2-sql sample', () => {
  test('staging_initial and staging_delta → contacts_scd2 → the Athena table', () => {
    expect(io(graph, 'customer-scd2-sql/initial-load')).toEqual({
      reads: ['asset: jobs/customer-scd2/data/contacts_initial.csv'],
      writes: ['customer_sql/staging_initial'],
    });
    expect(io(graph, 'customer-scd2-sql/delta-load').writes).toEqual(['customer_sql/staging_delta']);
    // The merge creates contacts_scd2 before it reads it: an output, not an input.
    expect(io(graph, 'customer-scd2-sql/scd2-merge')).toEqual({
      reads: ['customer_sql/staging_initial', 'customer_sql/staging_delta'],
      writes: ['customer_sql/contacts_scd2'],
    });
    expect(io(graph, 'customer-scd2-sql/register-table')).toEqual({
      reads: ['customer_sql/contacts_scd2'],
      writes: ['glue: sqletl_dev.contacts_scd2_sql'],
    });
  });

  test('the README graph draws those edges', () => {
    const lines = renderLineageSection(graph);
    const node = (label: string) => {
      const line = lines.find((l) => l.includes(`[("${label}<br/>`));
      expect(line, label).toBeDefined();
      return line!.trim().split('[')[0];
    };
    const edges = [
      `job_customer_scd2_sql__initial_load --> ${node('customer_sql/staging_initial')}`,
      `job_customer_scd2_sql__delta_load --> ${node('customer_sql/staging_delta')}`,
      `${node('customer_sql/staging_initial')} --> job_customer_scd2_sql__scd2_merge`,
      `${node('customer_sql/staging_delta')} --> job_customer_scd2_sql__scd2_merge`,
      `job_customer_scd2_sql__scd2_merge --> ${node('customer_sql/contacts_scd2')}`,
      `${node('customer_sql/contacts_scd2')} --> job_customer_scd2_sql__register_table`,
      `job_customer_scd2_sql__register_table --> ${node('glue: sqletl_dev.contacts_scd2_sql')}`,
    ];
    for (const edge of edges) expect(lines).toContain(`  ${edge}`);
    expect(lines).toContain('```mermaid');
  });

  test('the Arc sample derives the same shape from its stages', () => {
    expect(io(graph, 'customer-scd2/scd2-merge')).toEqual({
      reads: ['customer/staging_initial', 'customer/staging_delta'],
      writes: ['customer/contacts_scd2'],
    });
    expect(io(graph, 'nyc-taxi/trips-per-day-zone')).toEqual({
      reads: ['raw/nyc-tlc/yellow/2024/yellow_tripdata_2024-*.parquet'],
      writes: ['nyc_taxi/trips_per_day_zone'],
    });
  });
});

describe('OpenLineage events', () => {
  const events = openLineageEvents(graph, dev) as {
    eventTime: string;
    producer: string;
    schemaURL: string;
    job?: {
      namespace: string;
      name: string;
      facets: Record<string, { _producer: string; _schemaURL: string }>;
    };
    dataset?: { namespace: string; name: string };
    inputs?: { namespace: string; name: string }[];
    outputs?: { namespace: string; name: string }[];
  }[];

  test('one DatasetEvent per dataset and one JobEvent per job, with the fields the spec requires', () => {
    const datasets = events.filter((e) => e.schemaURL.endsWith('#/$defs/DatasetEvent'));
    const jobs = events.filter((e) => e.schemaURL.endsWith('#/$defs/JobEvent'));
    expect(datasets).toHaveLength(graph.datasets.size);
    expect(jobs).toHaveLength(graph.jobs.length);
    for (const event of events) {
      expect(event.eventTime).toBe(OPENLINEAGE_EVENT_TIME);
      expect(event.producer).toMatch(/^[a-z]+:/);
      expect(event.schemaURL).toMatch(
        /^https:\/\/openlineage\.io\/spec\/2-0-2\/OpenLineage\.json#\/\$defs\//,
      );
    }
    for (const job of jobs) {
      expect(Object.keys(job.job!.facets).sort()).toEqual(['documentation', 'jobType', 'ownership']);
      for (const facet of Object.values(job.job!.facets)) {
        expect(facet._schemaURL).toMatch(
          /^https:\/\/openlineage\.io\/spec\/facets\/.*\.json#\/\$defs\/\w+Facet$/,
        );
      }
    }
  });

  test('a job event connects to the dataset events by namespace and name (S3 and Glue naming)', () => {
    const merge = events.find((e) => e.job?.name === 'customer-scd2-sql.scd2-merge')!;
    expect(merge.job!.namespace).toBe('argo-workflows://sqletl-dev');
    expect(merge.outputs).toEqual([
      {
        namespace: 's3://sqletl-dev-datalake-111122223333-us-east-1',
        name: 'warehouse/customer_sql/contacts_scd2',
      },
    ]);
    const register = events.find((e) => e.job?.name === 'customer-scd2-sql.register-table')!;
    expect(register.outputs).toEqual([
      { namespace: 'arn:aws:glue:us-east-1:111122223333', name: 'table/sqletl_dev/contacts_scd2_sql' },
    ]);
    const known = new Set(events.filter((e) => e.dataset).map((e) => datasetKey(e.dataset!)));
    for (const job of events.filter((e) => e.job)) {
      for (const d of [...job.inputs!, ...job.outputs!]) expect(known.has(datasetKey(d)), d.name).toBe(true);
    }
  });

  test('dist/lineage/dev.json is what synth writes from these events', () => {
    const committed = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'dist/lineage/dev.json'), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(events);
  });
});

describe('declarations, dynamic SQL and cross-pipeline reads', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const repo = (files: Record<string, string>): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-'));
    dirs.push(dir);
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
  };
  const pipeline = (name: string, job: string) =>
    `name: ${name}\ndescription: test\nowner: data-platform\njobs:\n${job}`;

  test('dynamic SQL without a declaration is a warning naming the statement; a declaration completes the graph', () => {
    const sql = "SELECT 1;\nEXECUTE IMMEDIATE 'INSERT INTO ' || 'sales.orders' || ' SELECT 1';\n";
    const undeclared = loadPipelines(
      repo({
        'etl/pipelines/orders.yaml': pipeline(
          'orders',
          '  - id: load\n    runtime: sql\n    file: orders/load.sql\n',
        ),
        'etl/jobs/orders/load.sql': sql,
      }),
      dev,
    );
    expect(undeclared[0].jobs[0].lineage?.warnings).toEqual([
      "warning: etl/jobs/orders/load.sql: line 2: 'EXECUTE IMMEDIATE 'INSERT INTO ' || 'sales.orders' || ' SEL…' " +
        'reads or writes datasets only run time knows (dynamic SQL), so lineage misses them; declare them with ' +
        "inputs: and outputs: on job 'load' in etl/pipelines/orders.yaml",
    ]);
    const declared = loadPipelines(
      repo({
        'etl/pipelines/orders.yaml': pipeline(
          'orders',
          "  - id: load\n    runtime: sql\n    file: orders/load.sql\n    outputs: ['table:sales.orders']\n",
        ),
        'etl/jobs/orders/load.sql': sql,
      }),
      dev,
    );
    expect(declared[0].jobs[0].lineage).toEqual({
      inputs: [],
      outputs: [{ kind: 'table', table: 'sales.orders' }],
      declared: true,
      warnings: [],
    });
    // A catalog table lives under the warehouse directory: named by that path.
    const g = lineageGraph(declared, dev);
    expect([...g.datasets.values()].map((d) => `${d.namespace}/${d.name}`)).toEqual([
      's3://sqletl-dev-datalake-111122223333-us-east-1/warehouse/sales.db/orders',
    ]);
  });

  test('a job reading what another pipeline writes is a cross-pipeline edge', () => {
    const pipelines = loadPipelines(
      repo({
        'etl/pipelines/a-writer.yaml': pipeline(
          'a-writer',
          '  - id: write\n    runtime: sql\n    file: a/write.sql\n',
        ),
        'etl/jobs/a/write.sql':
          'CREATE OR REPLACE TABLE delta.`${DATALAKE}/shared/orders` AS SELECT 1 AS id;\n',
        'etl/pipelines/b-reader.yaml': pipeline(
          'b-reader',
          '  - id: read\n    runtime: sql\n    file: b/read.sql\n',
        ),
        'etl/jobs/b/read.sql': 'SELECT count(*) FROM delta.`${DATALAKE}/shared/orders`;\n',
      }),
      dev,
    );
    const lines = renderLineageSection(lineageGraph(pipelines, dev));
    expect(lines).toContain('  ds_1 -. cross-pipeline .-> job_b_reader__read');
    expect(lines).toContain(
      '- b-reader/read reads `shared/orders`, written by a-writer/write: no DAG orders the two, schedule them so ' +
        'the writer finishes first',
    );
  });

  test('a declared dataset that is no dataset, or uses an unknown parameter, fails the loader', () => {
    const root = repo({
      'etl/pipelines/p.yaml': pipeline(
        'p',
        "  - id: j\n    runtime: pyspark\n    file: p/j.py\n    outputs: ['${DATALAKE}/x', 'glue:${GLUE_DATABSE}.t', 'glue:${ENV}']\n",
      ),
      'etl/jobs/p/j.py': 'print(1)\n',
    });
    expect(() => loadPipelines(root, dev)).toThrow(PipelineError);
    try {
      loadPipelines(root, dev);
    } catch (error) {
      expect((error as PipelineError).problems).toEqual([
        expect.stringMatching(
          /^etl\/pipelines\/p\.yaml: field jobs\[0\]\.outputs\[1\]: .*did you mean \$\{GLUE_DATABASE\}\?/,
        ),
        expect.stringMatching(
          /^etl\/pipelines\/p\.yaml: field jobs\[0\]\.outputs\[2\]: 'glue:\$\{ENV\}' is not a dataset; write a URI/,
        ),
      ]);
    }
  });
});
