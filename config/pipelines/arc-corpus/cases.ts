/**
 * The agreement corpus of the Arc lint: notebooks and job files on which config/pipelines/arc-lint.ts and Arc's own
 * parser (etl/local/arc-parser.test.ts runs both) must give the same verdict. Arc "rejects" a case when its
 * lint-only parse fails in the job's environment or with ignoreEnvironments, when it would run fewer stages in the
 * job's environment than the job defines (a stage silently skipped), or when a parameter reaches its stages changed.
 * Each known disagreement of issue 10 is a case (`issue: true`).
 */

/** One corpus case. */
export interface ArcCorpusCase {
  /** Unique id, also the file name. */
  readonly id: string;
  /** Why the case is here, and what Arc does with it. */
  readonly why: string;
  /** `ipynb`: `cells` are the code cells of an Arc notebook; `conf`: `text` is an Arc job file (HOCON). */
  readonly kind: 'ipynb' | 'conf';
  readonly cells?: readonly string[];
  readonly text?: string;
  /** The notebook's kernel. @default 'arc' */
  readonly kernel?: string;
  /** Job parameters (bare names; Arc gets --ETL_CONF_<NAME>). DATALAKE is always supplied. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** What Arc does with it: true when it rejects (as defined above). */
  readonly arcRejects: boolean;
  /** One of the disagreements issue 10 lists. */
  readonly issue?: boolean;
}

const ENVS = 'environments=production,test';
const EXTRACT = `{
  "type": "DelimitedExtract",
  "name": "Read",
  "environments": ["production", "test"],
  "inputURI": \${ETL_CONF_SOURCE},
  "outputView": "raw",
  "header": true
}`;
const TYPE = `%sql name="Type" outputView=typed ${ENVS}
SELECT CAST(id AS BIGINT) AS id, name FROM raw`;
const CHECK = `%sqlvalidate name="Check" ${ENVS}
SELECT count(*) > 0 AS valid, to_json(named_struct('rows', count(*))) AS message FROM typed`;
const LOAD = `{
  "type": "DeltaLakeLoad",
  "name": "Write",
  "environments": ["production", "test"],
  "inputView": "typed",
  "outputURI": \${ETL_CONF_DATALAKE}"/corpus/typed",
  "saveMode": "Overwrite"
}`;
const SOURCE = { SOURCE: '/data/in.csv' };

/** A stage object of a plugin type, for the cases of types the image cannot run. */
function pluginStage(type: string, attributes: Record<string, unknown>): string {
  return JSON.stringify({ type, name: type, environments: ['production', 'test'], ...attributes }, null, 2);
}

export const ARC_CORPUS: readonly ArcCorpusCase[] = [
  {
    id: 'valid-notebook',
    why: 'extract, typed %sql, %sqlvalidate gate, Delta load: what the sample notebooks do',
    kind: 'ipynb',
    cells: [EXTRACT, TYPE, CHECK, LOAD],
    parameters: SOURCE,
    arcRejects: false,
  },
  {
    id: 'valid-job-file',
    why: 'an Arc job file (HOCON) with core stages and a substitution concatenated to a path',
    kind: 'conf',
    text: `{
  "stages": [
    ${EXTRACT.replace(/\n/g, '\n    ')},
    {
      "type": "SQLTransform",
      "name": "Type",
      "environments": ["production", "test"],
      "sql": "SELECT * FROM raw",
      "outputView": "typed"
    },
    {
      "type": "ParquetLoad",
      "name": "Write",
      "environments": ["production", "test"],
      "inputView": "typed",
      "outputURI": \${ETL_CONF_DATALAKE}"/corpus/typed.parquet"
    }
  ]
}`,
    parameters: SOURCE,
    arcRejects: false,
  },
  {
    id: 'valid-sqlparams',
    why: 'a declared sqlParams key used in the SQL, its value a job parameter',
    kind: 'ipynb',
    cells: [
      `%sql name="Old rows" outputView=old ${ENVS} sqlParams=datalake=\${ETL_CONF_DATALAKE}\nSELECT * FROM delta.\`\${datalake}/corpus/typed\``,
    ],
    arcRejects: false,
  },
  {
    id: 'valid-apostrophe-in-double-quotes',
    why: "a single quote inside a double-quoted value is fine: Arc's splitter only trips on one outside quotes",
    kind: 'ipynb',
    cells: [`%sql name="Today's rows" outputView=today ${ENVS}\nSELECT 1 AS n`],
    arcRejects: false,
  },
  {
    id: 'valid-declared-placeholder-with-equals',
    why: '${x=…} is replaced when sqlParams declares x (the text after = is ignored)',
    kind: 'ipynb',
    cells: [`%sql name="Limited" outputView=limited ${ENVS} sqlParams=x=3\nSELECT \${x=10} AS n`],
    arcRejects: false,
  },
  {
    id: 'valid-sqlvalidate-outputview-argument',
    why: 'outputView on a %sqlvalidate line is a control argument Arc drops, not a stage attribute',
    kind: 'ipynb',
    cells: [`%sqlvalidate name="Gate" outputView=ignored ${ENVS}\nSELECT true AS valid, 'ok' AS message`],
    arcRejects: false,
  },
  {
    id: 'valid-env-cell-ignored',
    why: 'a %env cell only sets variables inside Jupyter; a job ignores it',
    kind: 'ipynb',
    cells: ['%env\nSOME_VAR=1', `%sql name="One" outputView=one ${ENVS}\nSELECT 1 AS n`],
    arcRejects: false,
  },
  {
    id: 'undeclared-attribute',
    why: 'a stage attribute the stage type does not declare: Arc fails with "Invalid attribute"',
    kind: 'ipynb',
    cells: [EXTRACT.replace('"header": true', '"header": true,\n  "colour": "red"')],
    parameters: SOURCE,
    arcRejects: true,
    issue: true,
  },
  {
    id: 'misspelt-attribute',
    why: 'outputview for outputView: invalid attribute, and the required one is missing',
    kind: 'ipynb',
    cells: [EXTRACT.replace('"outputView"', '"outputview"')],
    parameters: SOURCE,
    arcRejects: true,
  },
  {
    id: 'unknown-magic-argument',
    why: 'an argument Arc does not read from the magic line becomes a stage attribute, which SQLTransform rejects',
    kind: 'ipynb',
    cells: [`%sql name="Typed" outputView=typed ${ENVS} colour=red\nSELECT 1 AS n`],
    arcRejects: true,
    issue: true,
  },
  {
    id: 'misspelt-environments-argument',
    why: 'enviroments= is an attribute, and without environments the stage is skipped',
    kind: 'ipynb',
    cells: [`%sql name="Typed" outputView=typed enviroments=production,test\nSELECT 1 AS n`],
    arcRejects: true,
  },
  {
    id: 'single-quote-on-magic-line',
    why: "a ' outside double quotes makes Arc drop name, environments, outputView: skipped, or invalid when run",
    kind: 'ipynb',
    cells: [`%sql name=Typed outputView=typed ${ENVS} description=today's\nSELECT 1 AS n`],
    arcRejects: true,
    issue: true,
  },
  {
    id: 'unused-sqlparam',
    why: 'a declared sqlParams key the SQL never uses: "No placeholder found for parameter"',
    kind: 'ipynb',
    cells: [`%sql name="One" outputView=one ${ENVS} sqlParams=datalake=\${ETL_CONF_DATALAKE}\nSELECT 1 AS n`],
    arcRejects: true,
    issue: true,
  },
  {
    id: 'placeholder-default-is-not-a-default',
    why: '${x=10} without sqlParams x: Arc has no defaults and fails with "No replacement value found"',
    kind: 'ipynb',
    cells: [`%sql name="Limited" outputView=limited ${ENVS}\nSELECT \${x=10} AS n`],
    arcRejects: true,
    issue: true,
  },
  {
    id: 'undeclared-placeholder',
    why: 'the SQL uses ${datalake} but sqlParams does not declare it',
    kind: 'ipynb',
    cells: [`%sql name="Old" outputView=old ${ENVS}\nSELECT * FROM delta.\`\${datalake}/corpus/typed\``],
    arcRejects: true,
  },
  {
    id: 'kafka-plugin-stage',
    why: 'KafkaExtract needs the Kafka plugin, which the image does not contain',
    kind: 'ipynb',
    cells: [pluginStage('KafkaExtract', { bootstrapServers: 'kafka:9092', topic: 't', outputView: 'k' })],
    arcRejects: true,
    issue: true,
  },
  {
    id: 'xml-plugin-stage',
    why: 'XMLExtract needs the XML plugin',
    kind: 'ipynb',
    cells: [pluginStage('XMLExtract', { inputURI: '/data/in.xml', outputView: 'x' })],
    arcRejects: true,
    issue: true,
  },
  {
    id: 'bigquery-plugin-stage',
    why: 'BigQueryLoad needs the BigQuery plugin',
    kind: 'conf',
    text: JSON.stringify({
      stages: [JSON.parse(pluginStage('BigQueryLoad', { inputView: 'v', table: 'p.d.t' }))],
    }),
    arcRejects: true,
    issue: true,
  },
  {
    id: 'cassandra-plugin-stage',
    why: 'CassandraExtract needs the Cassandra plugin',
    kind: 'ipynb',
    cells: [pluginStage('CassandraExtract', { keyspace: 'k', table: 't', outputView: 'c' })],
    arcRejects: true,
    issue: true,
  },
  {
    id: 'mongodb-plugin-stage',
    why: 'MongoDBExtract needs the MongoDB plugin',
    kind: 'ipynb',
    cells: [pluginStage('MongoDBExtract', { options: { uri: 'mongodb://m/db.c' }, outputView: 'm' })],
    arcRejects: true,
    issue: true,
  },
  {
    id: 'elasticsearch-plugin-stage',
    why: 'ElasticsearchLoad needs the Elasticsearch plugin',
    kind: 'ipynb',
    cells: [pluginStage('ElasticsearchLoad', { inputView: 'v', output: 'index' })],
    arcRejects: true,
    issue: true,
  },
  {
    id: 'delta-merge-load-removed',
    why: 'DeltaLakeMergeLoad was removed in the Delta Lake plugin 3.x',
    kind: 'ipynb',
    cells: [
      pluginStage('DeltaLakeMergeLoad', {
        inputView: 'typed',
        outputURI: '/data/t',
        condition: 'source.id = target.id',
      }),
    ],
    arcRejects: true,
    issue: true,
  },
  {
    id: 'double-quote-in-parameter',
    why: 'a " in a parameter value breaks the configuration Arc builds from its arguments',
    kind: 'ipynb',
    cells: [EXTRACT],
    parameters: { SOURCE: '/data/"in".csv' },
    arcRejects: true,
    issue: true,
  },
  {
    id: 'backslash-in-parameter',
    why: 'Arc deletes a \\ from parameter values: the stage reads another path than the one given',
    kind: 'ipynb',
    cells: [EXTRACT],
    parameters: { SOURCE: '/data/in\\2024.csv' },
    arcRejects: true,
    issue: true,
  },
  {
    id: 'stage-without-environments',
    why: 'a stage object without environments is skipped silently in every environment',
    kind: 'ipynb',
    cells: [EXTRACT.replace('  "environments": ["production", "test"],\n', '')],
    parameters: SOURCE,
    arcRejects: true,
  },
  {
    id: 'stage-not-in-job-environment',
    why: 'environments list test only; the job runs in production, so Arc skips the stage',
    kind: 'ipynb',
    cells: [`%sql name="One" outputView=one environments=test\nSELECT 1 AS n`],
    arcRejects: true,
  },
  {
    id: 'unsupplied-parameter',
    why: '${ETL_CONF_SOURCE} with no SOURCE parameter: Arc cannot resolve the substitution',
    kind: 'ipynb',
    cells: [EXTRACT],
    arcRejects: true,
  },
  {
    id: 'misspelt-stage-type',
    why: 'SQLTransfrom is no stage type: "No plugins found"',
    kind: 'conf',
    text: JSON.stringify({
      stages: [
        { type: 'SQLTransfrom', name: 'T', environments: ['production'], sql: 'SELECT 1', outputView: 'v' },
      ],
    }),
    arcRejects: true,
  },
  {
    id: 'missing-required-attribute',
    why: 'an SQLTransform without outputView',
    kind: 'conf',
    text: JSON.stringify({
      stages: [{ type: 'SQLTransform', name: 'T', environments: ['production'], sql: 'SELECT 1' }],
    }),
    arcRejects: true,
  },
  {
    id: 'python-kernel',
    why: 'Arc runs only notebooks of its own kernel',
    kind: 'ipynb',
    kernel: 'python3',
    cells: [`%sql name="One" outputView=one ${ENVS}\nSELECT 1 AS n`],
    arcRejects: true,
  },
];

/** The notebook or job file text of a case. */
export function corpusText(c: ArcCorpusCase): string {
  if (c.kind === 'conf') return c.text ?? '';
  return (
    JSON.stringify(
      {
        cells: (c.cells ?? []).map((source) => ({
          cell_type: 'code',
          execution_count: null,
          metadata: {},
          outputs: [],
          source: source.split(/(?<=\n)/),
        })),
        metadata: { kernelspec: { display_name: 'Arc', language: 'javascript', name: c.kernel ?? 'arc' } },
        nbformat: 4,
        nbformat_minor: 4,
      },
      null,
      1,
    ) + '\n'
  );
}
