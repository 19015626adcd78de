import type { EnvironmentConfig } from '../environment';
import { bucketName } from '../naming';
import type { Team } from '../teams';
import type { DatasetAddress, JobLineage, JobSpec, PipelineSpec } from './model';
import { runtimeParameters } from './runtime-parameters';
import { addressKey, type StatementLineage } from './sql-compile';

/**
 * Lineage: which datasets each job reads and writes (derived by the SQL compile step, config/pipelines/sql-compile.ts
 * and arc-chain.ts, or declared in the job's YAML), the graph of datasets and jobs across every pipeline of an
 * environment, its Mermaid rendering (dist/k8s/<env>/README.md) and its OpenLineage form (dist/lineage/<env>.json).
 *
 * Datasets are named as OpenLineage's naming conventions say: an S3 object path is namespace `s3://<bucket>`, name
 * `<key>` (s3a:// is Hadoop's client for the same object); a Glue table is namespace `arn:aws:glue:<region>:<account>`,
 * name `table/<database>/<table>`. A table of the Spark session's catalog lives under the warehouse directory (the
 * runtime's DATALAKE, spark.sql.warehouse.dir), so it is named by that path and meets a job that reads the same path.
 */

/** The parts of an environment lineage depends on. */
export type LineageEnvironment = Pick<EnvironmentConfig, 'name' | 'prefix' | 'account' | 'region' | 'data'>;

/**
 * Values the loader substitutes when it validates without an environment (`make synth`'s first check): the shape of
 * the real values (an s3a:// URI, a database name), never written anywhere.
 */
export const VALIDATION_ENVIRONMENT: LineageEnvironment = {
  name: 'check',
  prefix: 'sqletl',
  account: '111122223333',
  region: 'us-east-1',
  data: {} as EnvironmentConfig['data'],
};

/**
 * Type-correct samples of the per-run values (the workflow fills in the real ones): EPOCH is Unix seconds and
 * CURRENT_TIMESTAMP RFC 3339 (k8s/constructs/spark-application.ts), so `${CURRENT_TIMESTAMP}` outside quotes fails the
 * compile step as it would fail Spark.
 */
export const PER_RUN_SAMPLES: Readonly<Record<'EPOCH' | 'CURRENT_TIMESTAMP', string>> = {
  EPOCH: '1767225600',
  CURRENT_TIMESTAMP: '2026-01-01T00:00:00Z',
};

/** Every `${NAME}` value a job sees: the runtime's (for its owning team), then its (resolved) parameters. */
export function jobValues(
  env: LineageEnvironment,
  team: Pick<Team, 'owns'> | undefined,
  parameters: Readonly<Record<string, string>>,
): Record<string, string> {
  return { ...runtimeParameters(env, team), ...PER_RUN_SAMPLES, ...parameters };
}

/**
 * A job's inputs and outputs from its statements in run order: a dataset the job wrote before it reads it is not an
 * input (a table it creates, then merges into and checks); `declared` datasets are added.
 */
export function assembleLineage(
  steps: readonly StatementLineage[],
  declared: { inputs?: readonly DatasetAddress[]; outputs?: readonly DatasetAddress[] } | undefined,
  warnings: readonly string[],
): JobLineage {
  const inputs = new Map<string, DatasetAddress>();
  const outputs = new Map<string, DatasetAddress>();
  for (const step of steps) {
    for (const read of step.reads) {
      const key = addressKey(read);
      if (!outputs.has(key) && !inputs.has(key)) inputs.set(key, read);
    }
    for (const write of step.writes) {
      const key = addressKey(write);
      if (!outputs.has(key)) outputs.set(key, write);
    }
  }
  for (const read of declared?.inputs ?? [])
    if (!inputs.has(addressKey(read))) inputs.set(addressKey(read), read);
  for (const write of declared?.outputs ?? []) {
    if (!outputs.has(addressKey(write))) outputs.set(addressKey(write), write);
  }
  return {
    inputs: [...inputs.values()],
    outputs: [...outputs.values()],
    declared: declared !== undefined,
    warnings,
  };
}

/**
 * A declared dataset (`inputs:`/`outputs:` of a job, `${NAME}` already substituted): `glue:<db>.<table>`,
 * `table:[<db>.]<table>`, or a URI (`s3a://…`, `s3://…`, `file:/…`). Returns the problem when it is none of them.
 */
export function parseDeclaredDataset(text: string): DatasetAddress | string {
  const glue = /^glue:([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(text);
  if (glue !== null) return { kind: 'glue', database: glue[1], table: glue[2] };
  const table = /^table:([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?)$/.exec(text);
  if (table !== null) return { kind: 'table', table: table[1] };
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+(\/\S*)?$/.test(text) || /^file:\/\S+$/.test(text)) {
    return { kind: 'path', uri: text };
  }
  return (
    'is not a dataset; write a URI (s3a://bucket/path, or ${DATALAKE}/<path> for the data lake), ' +
    'glue:<database>.<table> for a Glue/Athena table, or table:<database>.<table> for a Spark catalog table'
  );
}

/** An OpenLineage dataset identity, with what the README shows. */
export interface Dataset {
  readonly namespace: string;
  readonly name: string;
  /** Short label: the path under the data lake, `glue: db.table`, or the URI. */
  readonly label: string;
  /** 'delta', 'parquet', 'csv', … when known. */
  readonly format?: string;
  /** 'path' or 'glue' (a Spark catalog table is its warehouse path). */
  readonly kind: 'path' | 'glue';
}

/** The OpenLineage identity of an address in an environment. */
export function datasetOf(address: DatasetAddress, env: LineageEnvironment): Dataset {
  const runtime = runtimeParameters(env);
  if (address.kind === 'glue') {
    return {
      kind: 'glue',
      namespace: `arn:aws:glue:${env.region}:${env.account}`,
      name: `table/${address.database}/${address.table}`,
      label: `glue: ${address.database}.${address.table}`,
    };
  }
  let uri: string;
  if (address.kind === 'table') {
    // spark.sql.warehouse.dir is the runtime's DATALAKE: default database tables directly under it, others in <db>.db/.
    const parts = address.table.split('.');
    const table = parts[parts.length - 1];
    const database = parts.length > 1 ? parts[parts.length - 2] : 'default';
    uri = `${runtime.DATALAKE}/${database === 'default' ? '' : `${database}.db/`}${table}`;
  } else {
    uri = address.uri;
  }
  const format = address.format;
  const normalized = uri.replace(/^s3a:\/\//, 's3://').replace(/\/+$/, '');
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)\/?(.*)$/.exec(normalized);
  const namespace = match === null ? 'file' : `${match[1]}://${match[2]}`;
  const name = match === null ? normalized.replace(/^file:/, '') : match[3];
  const lake = runtime.DATALAKE.replace(/^s3a:\/\//, 's3://');
  // Uploaded files are content-addressed (`jobs/<hash>/<path under etl/>`); the path is what a reader recognises.
  const assets = `s3://${bucketName(env, 'assets')}/`;
  // Elsewhere in the lake bucket (a team's own prefix): the key, which names the team's prefix.
  const bucket = `s3://${runtime.DATALAKE_BUCKET}/`;
  const label = normalized.startsWith(`${lake}/`)
    ? normalized.slice(lake.length + 1)
    : normalized.startsWith(assets)
      ? `asset: ${normalized.slice(assets.length).replace(/^[^/]+\/[0-9a-f]+\//, '')}`
      : normalized.startsWith(bucket)
        ? normalized.slice(bucket.length)
        : normalized;
  return { kind: 'path', namespace, name, label, ...(format === undefined ? {} : { format }) };
}

/** `namespace|name`: the identity of a dataset. */
export function datasetKey(dataset: Pick<Dataset, 'namespace' | 'name'>): string {
  return `${dataset.namespace}|${dataset.name}`;
}

/** A job of the environment's lineage graph. */
export interface LineageJob {
  readonly pipeline: PipelineSpec;
  readonly job: JobSpec;
  readonly inputs: readonly Dataset[];
  readonly outputs: readonly Dataset[];
}

/** Every job and dataset of an environment, and which job writes each dataset. */
export interface LineageGraph {
  readonly jobs: readonly LineageJob[];
  /** Datasets by key, sorted by key. */
  readonly datasets: ReadonlyMap<string, Dataset>;
  /** Dataset key → the jobs that write it (`pipeline/job`). */
  readonly writers: ReadonlyMap<string, readonly LineageJob[]>;
}

/** `pipeline/job`. */
export function jobName(job: LineageJob): string {
  return `${job.pipeline.name}/${job.job.id}`;
}

/** The lineage graph of the pipelines of one environment (pipelines loaded with that environment). */
export function lineageGraph(pipelines: readonly PipelineSpec[], env: LineageEnvironment): LineageGraph {
  const datasets = new Map<string, Dataset>();
  const merge = (dataset: Dataset) => {
    const key = datasetKey(dataset);
    const known = datasets.get(key);
    // The first format named wins; one read without a format does not erase it.
    if (known === undefined || (known.format === undefined && dataset.format !== undefined))
      datasets.set(key, dataset);
    return dataset;
  };
  const jobs = pipelines.flatMap((pipeline) =>
    pipeline.jobs.map((job) => ({
      pipeline,
      job,
      inputs: (job.lineage?.inputs ?? []).map((a) => merge(datasetOf(a, env))),
      outputs: (job.lineage?.outputs ?? []).map((a) => merge(datasetOf(a, env))),
    })),
  );
  const writers = new Map<string, LineageJob[]>();
  for (const job of jobs) {
    for (const output of job.outputs)
      writers.set(datasetKey(output), [...(writers.get(datasetKey(output)) ?? []), job]);
  }
  const sorted = new Map([...datasets.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return { jobs, datasets: sorted, writers };
}

/** Jobs that read a dataset written by `job`, and so on downstream (the job itself excluded). */
export function downstreamJobs(graph: LineageGraph, start: readonly LineageJob[]): LineageJob[] {
  const found = new Set<LineageJob>(start);
  const queue = [...start];
  while (queue.length > 0) {
    const job = queue.shift()!;
    const written = new Set(job.outputs.map(datasetKey));
    for (const other of graph.jobs) {
      if (found.has(other)) continue;
      if (other.inputs.some((input) => written.has(datasetKey(input)))) {
        found.add(other);
        queue.push(other);
      }
    }
  }
  return graph.jobs.filter((job) => found.has(job) && !start.includes(job));
}

/** Mermaid node id of a job. */
function jobNode(job: LineageJob): string {
  return `job_${job.pipeline.name}__${job.job.id}`.replace(/-/g, '_');
}

/** Text inside a quoted Mermaid label. */
function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** Jobs of other pipelines whose outputs `job` reads: the edges no pipeline DAG orders. */
export function crossPipelineReads(
  graph: LineageGraph,
  job: LineageJob,
): { dataset: Dataset; writers: LineageJob[] }[] {
  return job.inputs.flatMap((dataset) => {
    const writers = (graph.writers.get(datasetKey(dataset)) ?? []).filter((w) => w.pipeline !== job.pipeline);
    return writers.length === 0 ? [] : [{ dataset, writers }];
  });
}

/**
 * The lineage section of dist/k8s/<env>/README.md: a Mermaid graph (jobs grouped by pipeline, datasets as
 * cylinders; a dotted edge where a job reads what another pipeline's job writes) and the datasets' table.
 */
export function renderLineageSection(graph: LineageGraph): string[] {
  const ids = new Map([...graph.datasets.keys()].map((key, i) => [key, `ds_${i + 1}`]));
  const pipelines = [...new Set(graph.jobs.map((j) => j.pipeline))];
  const lines = ['```mermaid', 'flowchart LR'];
  for (const pipeline of pipelines) {
    lines.push(`  subgraph pipeline_${pipeline.name.replace(/-/g, '_')}["${pipeline.name}"]`);
    for (const job of graph.jobs.filter((j) => j.pipeline === pipeline)) {
      lines.push(`    ${jobNode(job)}["${job.job.id}<br/>${job.job.runtime}"]`);
    }
    lines.push('  end');
  }
  for (const [key, dataset] of graph.datasets) {
    const format = dataset.kind === 'glue' ? 'Glue table (Athena)' : (dataset.format ?? 'files');
    lines.push(`  ${ids.get(key)}[("${mermaidText(dataset.label)}<br/>${mermaidText(format)}")]`);
  }
  for (const job of graph.jobs) {
    for (const output of job.outputs) lines.push(`  ${jobNode(job)} --> ${ids.get(datasetKey(output))}`);
  }
  for (const job of graph.jobs) {
    const cross = new Set(crossPipelineReads(graph, job).map((c) => datasetKey(c.dataset)));
    for (const input of job.inputs) {
      const key = datasetKey(input);
      lines.push(`  ${ids.get(key)} ${cross.has(key) ? '-. cross-pipeline .->' : '-->'} ${jobNode(job)}`);
    }
  }
  lines.push('```');
  const rows = [...graph.datasets].map(([key, dataset]) => {
    const writers = (graph.writers.get(key) ?? []).map(jobName);
    const readers = graph.jobs.filter((j) => j.inputs.some((i) => datasetKey(i) === key)).map(jobName);
    return [
      `\`${dataset.namespace}/${dataset.name}\``.replace(/\|/g, '\\|'),
      dataset.kind === 'glue' ? 'Glue table' : (dataset.format ?? '—'),
      writers.length > 0 ? writers.join(', ') : '— (external)',
      readers.length > 0 ? readers.join(', ') : '—',
    ];
  });
  const cross = graph.jobs.flatMap((job) =>
    crossPipelineReads(graph, job).map(
      (c) =>
        `- ${jobName(job)} reads \`${c.dataset.label}\`, written by ${c.writers.map(jobName).join(', ')}: ` +
        'no DAG orders the two, schedule them so the writer finishes first',
    ),
  );
  const warnings = graph.jobs.flatMap((job) => job.job.lineage?.warnings ?? []);
  return [
    '## Lineage',
    '',
    'What each job reads and writes, derived from its SQL by `make synth` (sql jobs, Arc stages) or declared with ' +
      '`inputs:`/`outputs:` in the pipeline YAML (pyspark jobs, dynamic SQL). The same graph in OpenLineage form, ' +
      `for Marquez or DataHub: \`dist/lineage/<env>.json\`.`,
    '',
    ...lines,
    '',
    '| Dataset | Format | Written by | Read by |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    ...(cross.length > 0 ? ['Cross-pipeline reads:', '', ...cross, ''] : []),
    ...(warnings.length > 0
      ? [
          'Not derived (declare `inputs:`/`outputs:` to complete the graph):',
          '',
          ...warnings.map((w) => `- ${w}`),
          '',
        ]
      : []),
  ];
}

/** URI of the producer of the OpenLineage events (required by the spec; identifies the kit, not a host). */
export const OPENLINEAGE_PRODUCER = 'urn:sql-etl-on-eks:make-synth';

/**
 * eventTime is required by the spec; a fixed value keeps dist/ byte-identical across runs. Loaders stamp the time of
 * loading (README: "Lineage").
 */
export const OPENLINEAGE_EVENT_TIME = '1970-01-01T00:00:00Z';

const SPEC = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs';

function facet(schema: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { _producer: OPENLINEAGE_PRODUCER, _schemaURL: schema, ...fields };
}

/** The OpenLineage job namespace of an environment's pipelines (the scheduler: Argo Workflows of that environment). */
export function lineageJobNamespace(env: Pick<LineageEnvironment, 'name' | 'prefix'>): string {
  return `argo-workflows://${env.prefix}-${env.name}`;
}

/**
 * The static lineage of an environment as OpenLineage events (spec 2-0-2): one DatasetEvent per dataset (dataSource and
 * storage facets), then one JobEvent per job (jobType, documentation and ownership facets; inputs and outputs). POST
 * each to Marquez's or DataHub's /api/v1/lineage.
 */
export function openLineageEvents(graph: LineageGraph, env: LineageEnvironment): Record<string, unknown>[] {
  const base = { eventTime: OPENLINEAGE_EVENT_TIME, producer: OPENLINEAGE_PRODUCER };
  const datasetEvents = [...graph.datasets.values()].map((dataset) => ({
    ...base,
    schemaURL: `${SPEC}/DatasetEvent`,
    dataset: {
      namespace: dataset.namespace,
      name: dataset.name,
      facets: {
        dataSource: facet(
          'https://openlineage.io/spec/facets/1-0-0/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet',
          {
            name: dataset.namespace,
            uri: dataset.namespace,
          },
        ),
        ...(dataset.format === 'delta'
          ? {
              storage: facet(
                'https://openlineage.io/spec/facets/1-0-0/StorageDatasetFacet.json#/$defs/StorageDatasetFacet',
                {
                  storageLayer: 'delta',
                  fileFormat: 'parquet',
                },
              ),
            }
          : {}),
      },
    },
  }));
  const jobEvents = graph.jobs.map((job) => ({
    ...base,
    schemaURL: `${SPEC}/JobEvent`,
    job: {
      namespace: lineageJobNamespace(env),
      name: `${job.pipeline.name}.${job.job.id}`,
      facets: {
        jobType: facet(
          'https://openlineage.io/spec/facets/2-0-2/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
          {
            processingType: 'BATCH',
            integration: 'SPARK',
            jobType: 'JOB',
          },
        ),
        documentation: facet(
          'https://openlineage.io/spec/facets/1-0-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet',
          {
            description:
              `${job.pipeline.description}: job ${job.job.id} (${job.job.runtime}, ` +
              `${job.job.files.map((f) => `etl/jobs/${f}`).join(', ')}) of ${job.pipeline.file}`,
          },
        ),
        ownership: facet(
          'https://openlineage.io/spec/facets/1-0-0/OwnershipJobFacet.json#/$defs/OwnershipJobFacet',
          {
            owners: [{ name: `team:${job.pipeline.owner}`, type: 'MAINTAINER' }],
          },
        ),
      },
    },
    inputs: job.inputs.map((d) => ({ namespace: d.namespace, name: d.name })),
    outputs: job.outputs.map((d) => ({ namespace: d.namespace, name: d.name })),
  }));
  return [...datasetEvents, ...jobEvents];
}

/** dist/lineage/<env>.json: the events, pretty-printed, with a final newline. */
export function renderOpenLineage(graph: LineageGraph, env: LineageEnvironment): string {
  return `${JSON.stringify(openLineageEvents(graph, env), null, 2)}\n`;
}
