import * as fs from 'node:fs';
import * as path from 'node:path';
import { isRuntimeParameter } from './runtime-parameters';
import { parseHoconSync, type HoconResult } from './hocon-sync';
import { closest } from './suggest';

/**
 * Lint of Arc jobs (notebooks and HOCON job files), run by the pipeline loader for every arc job so that `make synth`
 * rejects what Arc would reject at run time, and above all what Arc would silently get wrong: a misspelt magic that
 * turns a quality gate into a plain query, a stage skipped because its `environments` miss the job's environment, a
 * `${ETL_CONF_…}` nothing supplies, a SQL file that is not uploaded.
 *
 * Facts about Arc (4.x and arc-jupyter) the checks rely on:
 * - A notebook job keeps code cells only, trims each and drops one trailing comma. Cells starting with `%sql`,
 *   `%sqlvalidate`, `%log`, `%configexecute`, `%metadatafilter`, `%metadatavalidate` become stages (matched by
 *   prefix, case-insensitively: `%sqlvaildate` becomes an SQLTransform); `%arc` and cells without a magic are stage
 *   objects (HOCON); `%configplugin`/`%lifecycleplugin` are plugins; every other magic is ignored when the job runs.
 * - Magic-line arguments are `key=value` separated by spaces outside double quotes. `environments` is a
 *   comma-separated list (missing: `[""]`, so the stage never runs); `sqlParams=k=v,k2=v2` values that start with
 *   `${` are HOCON substitutions, any other value is quoted verbatim (no substitution); other unknown arguments
 *   become stage attributes.
 * - Stages and plugins whose `environments` do not list `--etl.config.environment` are skipped without a failure.
 * - `${…}` substitutions resolve from the job's `--ETL_CONF_*` arguments; inline SQL of a magic cell is a
 *   triple-quoted string, so `${x}` in it is an Arc SQL parameter that sqlParams must declare.
 * - Every stage type rejects attributes it does not declare; magic-line arguments Arc does not read become such
 *   attributes. A declared sqlParams key the SQL does not use fails the job, and `${x=…}` is no default.
 * - The pinned image runs Arc's core stage types and the Delta Lake plugin 3.1.0's two; other plugin types fail.
 * etl/local/arc-parser.test.ts holds these facts against Arc's own parser on config/pipelines/arc-corpus.
 */

/** Magics arc-jupyter knows; `stage` is the stage type a notebook job turns the cell into. */
export const ARC_MAGICS: Readonly<Record<string, { readonly stage?: string; readonly job: string }>> = {
  '%arc': { job: 'a stage object (HOCON)' },
  '%sql': { stage: 'SQLTransform', job: 'an SQLTransform stage' },
  '%sqlvalidate': { stage: 'SQLValidate', job: 'an SQLValidate stage' },
  '%log': { stage: 'LogExecute', job: 'a LogExecute stage' },
  '%configexecute': { stage: 'ConfigExecute', job: 'a ConfigExecute stage' },
  '%metadatafilter': { stage: 'MetadataFilterTransform', job: 'a MetadataFilterTransform stage' },
  '%metadatavalidate': { stage: 'MetadataValidate', job: 'a MetadataValidate stage' },
  '%configplugin': { job: 'dynamic configuration plugins' },
  '%lifecycleplugin': { job: 'lifecycle plugins' },
  '%env': { job: 'ignored (sets variables inside Jupyter only)' },
  '%conf': { job: 'ignored (Jupyter display settings)' },
  '%secret': { job: 'ignored (Jupyter only)' },
  '%schema': { job: 'ignored (Jupyter only)' },
  '%printschema': { job: 'ignored (Jupyter only)' },
  '%metadata': { job: 'ignored (Jupyter only)' },
  '%printmetadata': { job: 'ignored (Jupyter only)' },
  '%summary': { job: 'ignored (Jupyter only)' },
  '%cypher': { job: 'ignored (Jupyter only)' },
  '%version': { job: 'ignored (Jupyter only)' },
  '%help': { job: 'ignored (Jupyter only)' },
  '%list': { job: 'ignored (Jupyter only)' },
};

/** Magic-line arguments Arc consumes itself (the others become stage attributes). */
const MAGIC_CONTROL_ARGS = [
  'name',
  'description',
  'sqlParams',
  'outputView',
  'environments',
  'numRows',
  'truncate',
  'persist',
  'monospace',
  'leftAlign',
  'datasetLabels',
  'streamingDuration',
  'showLog',
];

/** Prefixes by which Arc's notebook reader picks stage cells, in its order of precedence. */
const STAGE_PREFIXES: readonly [string, string][] = [
  ['%log', 'LogExecute'],
  ['%configexecute', 'ConfigExecute'],
  ['%metadatafilter', 'MetadataFilterTransform'],
  ['%metadatavalidate', 'MetadataValidate'],
  ['%sqlvalidate', 'SQLValidate'],
  ['%sql', 'SQLTransform'],
];

/** A required attribute, or a list of which exactly one is required. */
type Requirement = string | readonly string[];

/** What the lint knows about a stage type. */
interface StageType {
  /** Required attributes besides `type`, `name` and `environments`. */
  readonly required: readonly Requirement[];
  /**
   * Every attribute Arc accepts, where known from Arc's source; an attribute that is not one of them but close to
   * one (a typo) is reported. Absent: only the required attributes are checked.
   */
  readonly keys?: readonly string[];
  /** `inputURI` names a SQL file. */
  readonly sqlFile?: boolean;
}

const COMMON_KEYS = ['type', 'id', 'name', 'description', 'environments', 'params', 'resolution'];
const SQL_SOURCE: Requirement = ['inputURI', 'sql'];
const VIEW_OR_URI: Requirement = ['inputURI', 'inputView'];
const SCHEMA_SOURCE: Requirement = ['schema', 'schemaURI', 'schemaView'];

/**
 * Arc 4.x stage types (core and the Delta Lake plugin, plus the other tripl-ai plugins) with the attributes their
 * documentation marks required. A plugin class outside this list is written with its fully qualified class name
 * (`com.example.MyStage`) and is not checked beyond `name` and `environments`.
 */
export const ARC_STAGE_TYPES: Readonly<Record<string, StageType>> = {
  // Extract
  AvroExtract: { required: [VIEW_OR_URI, 'outputView'] },
  BigQueryExtract: { required: ['table', 'outputView'] },
  BytesExtract: { required: [VIEW_OR_URI, 'outputView'] },
  CassandraExtract: { required: ['keyspace', 'table', 'outputView'] },
  DelimitedExtract: {
    required: [VIEW_OR_URI, 'outputView'],
    keys: [
      ...COMMON_KEYS,
      'inputView',
      'inputURI',
      'outputView',
      'delimiter',
      'quote',
      'header',
      'authentication',
      'contiguousIndex',
      'numPartitions',
      'partitionBy',
      'persist',
      'schemaURI',
      'schemaView',
      'customDelimiter',
      'inputField',
      'basePath',
      'watermark',
      'multiLine',
      'escape',
    ],
  },
  DeltaLakeExtract: {
    required: ['inputURI', 'outputView'],
    keys: [
      ...COMMON_KEYS,
      'inputURI',
      'outputView',
      'numPartitions',
      'partitionBy',
      'persist',
      'options',
      'authentication',
      'schemaURI',
      'schemaView',
    ],
  },
  ElasticsearchExtract: { required: ['input', 'outputView'] },
  HTTPExtract: { required: [VIEW_OR_URI, 'outputView'] },
  ImageExtract: { required: ['inputURI', 'outputView'] },
  JDBCExtract: { required: ['jdbcURL', 'tableName', 'outputView'] },
  JSONExtract: { required: [VIEW_OR_URI, 'outputView'] },
  KafkaExtract: { required: ['bootstrapServers', 'topic', 'outputView'] },
  MetadataExtract: { required: ['inputView', 'outputView'] },
  MongoDBExtract: { required: ['options', 'outputView'] },
  ORCExtract: { required: ['inputURI', 'outputView'] },
  ParquetExtract: {
    required: ['inputURI', 'outputView'],
    keys: [
      ...COMMON_KEYS,
      'inputURI',
      'outputView',
      'authentication',
      'contiguousIndex',
      'numPartitions',
      'partitionBy',
      'persist',
      'schemaURI',
      'schemaView',
      'basePath',
      'watermark',
    ],
  },
  RateExtract: { required: ['outputView'] },
  SASExtract: { required: ['inputURI', 'outputView'] },
  StatisticsExtract: { required: ['inputView', 'outputView'] },
  TextExtract: { required: [VIEW_OR_URI, 'outputView'] },
  XMLExtract: { required: [VIEW_OR_URI, 'outputView'] },
  // Transform
  DebeziumTransform: { required: ['inputView', 'outputView', 'schemaURI'] },
  DiffTransform: { required: ['inputLeftView', 'inputRightView'] },
  HTTPTransform: { required: ['inputView', 'outputView', 'uri'] },
  JSONTransform: { required: ['inputView', 'outputView'] },
  MetadataFilterTransform: {
    required: [SQL_SOURCE, 'inputView', 'outputView'],
    keys: [
      ...COMMON_KEYS,
      'inputURI',
      'sql',
      'inputView',
      'outputView',
      'authentication',
      'persist',
      'sqlParams',
      'numPartitions',
      'partitionBy',
    ],
    sqlFile: true,
  },
  MetadataTransform: { required: ['inputView', 'outputView', SCHEMA_SOURCE] },
  MLTransform: { required: ['inputURI', 'inputView', 'outputView'] },
  SimilarityJoinTransform: {
    required: ['leftView', 'rightView', 'leftFields', 'rightFields', 'outputView'],
  },
  SQLTransform: {
    required: [SQL_SOURCE, 'outputView'],
    keys: [
      ...COMMON_KEYS,
      'inputURI',
      'sql',
      'outputView',
      'authentication',
      'persist',
      'sqlParams',
      'numPartitions',
      'partitionBy',
    ],
    sqlFile: true,
  },
  TensorFlowServingTransform: { required: ['inputView', 'outputView', 'uri'] },
  TypingTransform: {
    required: ['inputView', 'outputView', SCHEMA_SOURCE],
    keys: [
      ...COMMON_KEYS,
      'schema',
      'schemaURI',
      'schemaView',
      'inputView',
      'outputView',
      'authentication',
      'failMode',
      'persist',
      'numPartitions',
      'partitionBy',
    ],
  },
  // Load
  AvroLoad: { required: ['inputView', 'outputURI'] },
  AzureEventHubsLoad: { required: ['inputView', 'namespaceName', 'eventHubName'] },
  BigQueryLoad: { required: ['inputView', 'table'] },
  CassandraLoad: { required: ['inputView', 'keyspace', 'table'] },
  ConsoleLoad: { required: ['inputView'] },
  DelimitedLoad: { required: ['inputView', 'outputURI'] },
  DeltaLakeLoad: {
    required: ['inputView', 'outputURI'],
    keys: [
      ...COMMON_KEYS,
      'inputView',
      'outputURI',
      'authentication',
      'numPartitions',
      'partitionBy',
      'saveMode',
      'replaceWhere',
      'mergeSchema',
      'overwriteSchema',
      'outputMode',
      'checkpointLocation',
      'options',
      'generateSymlinkManifest',
    ],
  },
  DeltaLakeMergeLoad: {
    required: ['inputView', 'outputURI', 'condition'],
    keys: [
      ...COMMON_KEYS,
      'inputView',
      'outputURI',
      'createTableIfNotExists',
      'authentication',
      'generateSymlinkManifest',
      'condition',
      'whenMatchedDeleteFirst',
      'whenNotMatchedByTargetInsert',
      'whenNotMatchedBySourceDelete',
      'whenMatchedUpdate',
      'whenMatchedDelete',
      'partitionBy',
      'numPartitions',
    ],
  },
  ElasticsearchLoad: { required: ['inputView', 'output'] },
  HTTPLoad: { required: ['inputView', 'outputURI'] },
  JDBCLoad: { required: ['inputView', 'jdbcURL', 'tableName'] },
  JSONLoad: { required: ['inputView', 'outputURI'] },
  KafkaLoad: { required: ['inputView', 'bootstrapServers', 'topic'] },
  MongoDBLoad: { required: ['inputView', 'options'] },
  ORCLoad: { required: ['inputView', 'outputURI'] },
  ParquetLoad: {
    required: ['inputView', 'outputURI'],
    keys: [
      ...COMMON_KEYS,
      'inputView',
      'outputURI',
      'authentication',
      'numPartitions',
      'partitionBy',
      'saveMode',
    ],
  },
  TextLoad: { required: ['inputView', 'outputURI'] },
  XMLLoad: { required: ['inputView', 'outputURI'] },
  // Execute
  BigQueryExecute: { required: [SQL_SOURCE] },
  CassandraExecute: { required: [SQL_SOURCE] },
  ConfigExecute: {
    required: [SQL_SOURCE],
    keys: [...COMMON_KEYS, 'inputURI', 'sql', 'authentication', 'sqlParams', 'outputView', 'persist'],
    sqlFile: true,
  },
  ControlFlowExecute: { required: [SQL_SOURCE], sqlFile: true },
  HTTPExecute: { required: ['uri'] },
  JDBCExecute: { required: [SQL_SOURCE, 'jdbcURL'], sqlFile: true },
  KafkaCommitExecute: { required: ['inputView', 'bootstrapServers', 'groupID'] },
  LogExecute: {
    required: [SQL_SOURCE],
    keys: [...COMMON_KEYS, 'inputURI', 'sql', 'authentication', 'sqlParams'],
    sqlFile: true,
  },
  PipelineExecute: { required: ['uri'] },
  // Validate
  EqualityValidate: { required: ['leftView', 'rightView'] },
  MetadataValidate: {
    required: ['inputView', SQL_SOURCE],
    keys: [...COMMON_KEYS, 'inputURI', 'sql', 'inputView', 'authentication', 'sqlParams'],
    sqlFile: true,
  },
  SQLValidate: {
    required: [SQL_SOURCE],
    keys: [...COMMON_KEYS, 'inputURI', 'sql', 'authentication', 'sqlParams'],
    sqlFile: true,
  },
};

/**
 * The stage types the pinned runtime image can run: Arc 4.2.0's own (its META-INF/services list of pipeline stage
 * plugins) and the two of the Delta Lake plugin 3.1.0 it bundles. Every other type of {@link ARC_STAGE_TYPES} needs a
 * plugin jar the image does not contain, and Arc stops the job with "No plugins found with name …".
 */
export const ARC_IMAGE_STAGE_TYPES: readonly string[] = [
  'ConfigExecute',
  'ControlFlowExecute',
  'HTTPExecute',
  'JDBCExecute',
  'LogExecute',
  'PipelineExecute',
  'AvroExtract',
  'BytesExtract',
  'DelimitedExtract',
  'HTTPExtract',
  'ImageExtract',
  'JDBCExtract',
  'JSONExtract',
  'MetadataExtract',
  'ORCExtract',
  'ParquetExtract',
  'RateExtract',
  'StatisticsExtract',
  'TextExtract',
  'AvroLoad',
  'ConsoleLoad',
  'DelimitedLoad',
  'HTTPLoad',
  'JDBCLoad',
  'JSONLoad',
  'ORCLoad',
  'ParquetLoad',
  'TextLoad',
  'DiffTransform',
  'HTTPTransform',
  'JSONTransform',
  'MetadataFilterTransform',
  'MetadataTransform',
  'MLTransform',
  'SimilarityJoinTransform',
  'SQLTransform',
  'TensorFlowServingTransform',
  'TypingTransform',
  'EqualityValidate',
  'MetadataValidate',
  'SQLValidate',
  'DeltaLakeExtract',
  'DeltaLakeLoad',
];

/** Types that existed in Arc or its plugins but were removed, with what to write instead. */
const REMOVED_STAGE_TYPES: Readonly<Record<string, string>> = {
  DeltaLakeMergeLoad:
    'was removed in the Delta Lake plugin 3.x (the image bundles 3.1.0); write the merge as a %sql cell ' +
    'with MERGE INTO delta.`<path>` USING <view> … (Delta Lake SQL is enabled in the SparkApplication)',
};

/** One Arc job file as the loader sees it. */
export interface ArcJobInput {
  /** Repository root (to check referenced files). */
  readonly repoRoot: string;
  /** The job file, relative to the repository root (etl/jobs/…). */
  readonly file: string;
  readonly text: string;
  /** Pipeline and job parameters merged, names as written (with or without `ETL_CONF_`), values as written. */
  readonly parameters: Readonly<Record<string, string>>;
  /** The Arc environments the job runs in (every stage must list each); empty: not checked. */
  readonly environments: readonly string[];
  /** Why those environments, for messages: "job 'x' sets environment: production". */
  readonly environmentReason: string;
  /** Appended to every problem: which pipeline job runs the file. */
  readonly context: string;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return text === undefined ? 'missing' : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function requirementText(requirement: Requirement): string {
  return typeof requirement === 'string' ? `'${requirement}'` : requirement.map((r) => `'${r}'`).join(' or ');
}

/** A `${…}` substitution of a HOCON text, found by the parser's tokenizer (so quoted strings are skipped). */
interface Substitution {
  readonly name: string;
  readonly optional: boolean;
  readonly line: number;
}

interface HoconToken {
  readonly type: symbol;
  readonly value: string;
  readonly line: number;
  readonly quoted: boolean;
}

/* eslint-disable @typescript-eslint/no-require-imports -- the parser ships CommonJS without types */
const { Tokenizer } = require('@pushcorn/hocon-parser/lib/core/Tokenizer') as {
  Tokenizer: new () => { tokenize(text: string, strict: boolean): HoconToken[] };
};
const { Token } = require('@pushcorn/hocon-parser/lib/core/Token') as {
  Token: { TYPE: Record<'SUBSTITUTION' | 'VALUE' | 'CLOSE_CURLY', symbol> };
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Substitutions and `include` statements of a HOCON text; undefined when it does not even tokenize. */
function scan(text: string): { substitutions: Substitution[]; includes: number[] } | undefined {
  let tokens: HoconToken[];
  try {
    tokens = new Tokenizer().tokenize(text, true);
  } catch {
    return undefined;
  }
  const substitutions: Substitution[] = [];
  const includes: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.type === Token.TYPE.VALUE && !token.quoted && /^(include|require)$/.test(token.value)) {
      includes.push(token.line);
    }
    if (token.type !== Token.TYPE.SUBSTITUTION) continue;
    const parts: string[] = [];
    let j = i + 1;
    for (; j < tokens.length && tokens[j].type !== Token.TYPE.CLOSE_CURLY; j++) parts.push(tokens[j].value);
    substitutions.push({ name: parts.join('').trim(), optional: token.value === '${?', line: token.line });
    i = j;
  }
  return { substitutions, includes };
}

/** A scope in which every substitution resolves to its own `${NAME}` text, so the stage object keeps it visible. */
function placeholderScope(substitutions: readonly Substitution[]): Record<string, unknown> {
  const scope: Record<string, unknown> = {};
  for (const { name } of substitutions) {
    const keys = name.split('.');
    let node = scope;
    keys.slice(0, -1).forEach((key) => {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    });
    node[keys[keys.length - 1]] ??= `\${${name}}`;
  }
  return scope;
}

/**
 * Arc's magic-line parser (ConfigUtils.parseArgs of Arc 4.2.0, the same in 3.7.0): the line is split on whitespace
 * that is followed by an even number of double quotes up to the end of the line with no single quote outside them,
 * tokens starting with `%` are dropped, each other token is split on its first single `=` (not at the end), and a
 * pair's value loses one leading and one trailing double quote and is trimmed. So a `'` outside double quotes
 * glues everything before it into the `%magic` token, and those arguments are lost.
 */
export function magicArguments(line: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const token of line.split(/\s(?=(?:[^"']*"[^"]*")*[^"']*$)/)) {
    if (token.startsWith('%')) continue;
    const pair = splitPair(token);
    if (pair === undefined) continue;
    args[pair[0]] = pair[1].replace(/^"/, '').replace(/"$/, '').trim();
  }
  return args;
}

/** Arc's `split("=(?!=)(?!$)", 2)`: at the first `=` not followed by `=` and not at the end. */
function splitPair(token: string): [string, string] | undefined {
  const eq = token.search(/=(?!=)(?!$)/);
  return eq < 0 ? undefined : [token.slice(0, eq), token.slice(eq + 1)];
}

/** Arc's `sqlParams` reading: parseArgs over the value with commas turned into spaces. */
function sqlParamPairs(value: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const token of value.replace(/,/g, ' ').split(/\s(?=(?:[^"']*"[^"]*")*[^"']*$)/)) {
    if (token.startsWith('%')) continue;
    const pair = splitPair(token);
    if (pair !== undefined) pairs.push(pair);
  }
  return pairs;
}

/** Escapes a string for use inside a regular expression. */
function regexText(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Collects problems of one job file. */
class Report {
  readonly lines: string[] = [];
  constructor(private readonly input: ArcJobInput) {}

  add(where: string, text: string): void {
    this.lines.push(`${this.input.file}: ${where}: ${text} (${this.input.context})`);
  }
}

class ArcLint {
  private readonly report: Report;
  /** `%env` cells and the names they set: Jupyter-only values the job will not have. */
  private readonly envCells = new Map<string, number>();
  /** The stages as parsed, for {@link parseArcJob}. */
  readonly stages: ArcStage[] = [];

  constructor(private readonly input: ArcJobInput) {
    this.report = new Report(input);
  }

  run(): string[] {
    this.parameterValues();
    const ext = path.extname(this.input.file).toLowerCase();
    if (ext !== '.ipynb') {
      this.jobFile();
      return this.report.lines;
    }
    this.notebook();
    // Magic cells are checked before the stage objects are parsed; report in cell order (the sort is stable).
    const cellOf = (line: string) => Number(/^[^:]+: cell (\d+)/.exec(line)?.[1] ?? -1);
    return [...this.report.lines].sort((a, b) => cellOf(a) - cellOf(b));
  }

  /**
   * Arc turns its `--ETL_CONF_*` arguments into JSON and deletes every backslash before parsing it as HOCON: a `"`
   * in a value breaks the job's configuration, a `\` silently disappears from the value.
   */
  private parameterValues(): void {
    for (const [name, value] of Object.entries(this.input.parameters)) {
      const bad = [value.includes('"') ? '"' : '', value.includes('\\') ? '\\' : ''].filter((c) => c !== '');
      if (bad.length === 0) continue;
      this.report.add(
        '(parameters)',
        `parameter ${name}=${show(value)} contains ${bad.map((c) => `'${c}'`).join(' and ')}: Arc deletes every ` +
          'backslash from its --ETL_CONF_ arguments before reading them as HOCON, so a backslash vanishes from the ' +
          'value and a double quote ends the quoted value (the quotes vanish, or the configuration breaks); remove them (for a regular expression or a delimiter, ' +
          'write it in the SQL instead)',
      );
    }
  }

  // ---- notebooks ----

  private notebook(): void {
    let notebook: unknown;
    try {
      notebook = JSON.parse(this.input.text);
    } catch (error) {
      this.report.add(
        '(top level)',
        `is not valid notebook JSON (${error instanceof Error ? error.message : String(error)}); ` +
          'save it again from Jupyter, or fix the JSON',
      );
      return;
    }
    const cells = (notebook as { cells?: unknown }).cells;
    if (!Array.isArray(cells)) {
      this.report.add('cells', 'missing; a notebook needs a cells list (save it again from Jupyter)');
      return;
    }
    const code = cells
      .map((cell: unknown, index) => ({ cell: cell as { cell_type?: unknown; source?: unknown }, index }))
      .filter(({ cell }) => cell?.cell_type === 'code')
      .map(({ cell, index }) => ({
        index,
        // Arc: source lines joined, trimmed, one trailing comma dropped.
        text: (Array.isArray(cell.source)
          ? cell.source.join('')
          : typeof cell.source === 'string'
            ? cell.source
            : ''
        )
          .trim()
          .replace(/,$/, ''),
      }))
      .filter(({ text }) => text !== '');
    if (code.length === 0) return;
    const kernel = (notebook as { metadata?: { kernelspec?: { name?: unknown } } }).metadata?.kernelspec
      ?.name;
    if (kernel !== 'arc') {
      this.report.add(
        'metadata.kernelspec.name',
        `${show(kernel)}: Arc runs only notebooks of its own kernel ('arc') and rejects this one; ` +
          'create the notebook with the Arc kernel in JupyterHub (or set metadata.kernelspec.name to arc)',
      );
      return;
    }
    for (const { index, text } of code) {
      const first = text.split('\n')[0];
      if (first.startsWith('%') && first.trim().toLowerCase().startsWith('%env')) {
        for (const name of Object.keys(magicArguments(text.replace(/\n/g, ' '))))
          this.envCells.set(name, index);
      }
    }
    const objects: { where: string; text: string; magic?: string }[] = [];
    for (const { index, text } of code) {
      const where = `cell ${index}`;
      const [first, ...rest] = text.split('\n');
      if (!first.startsWith('%')) {
        objects.push({ where, text });
        continue;
      }
      const magic = first.split(/\s/)[0];
      const lower = magic.toLowerCase();
      const known = ARC_MAGICS[lower];
      if (known === undefined) {
        this.unknownMagic(where, magic);
        continue;
      }
      if (lower === '%arc') objects.push({ where, text: rest.join('\n'), magic });
      else if (lower === '%configplugin' || lower === '%lifecycleplugin') {
        objects.push({ where, text: `[${rest.join('\n')}]`, magic });
      } else if (known.stage !== undefined)
        this.magicStage(where, magic, known.stage, first, rest.join('\n'));
    }
    const parsed = this.parse(objects);
    parsed.forEach((value, i) => {
      const { where, magic } = objects[i];
      if (value === undefined) return;
      if (magic !== undefined && magic.toLowerCase() !== '%arc') {
        const kind = magic.toLowerCase() === '%configplugin' ? 'configuration' : 'lifecycle';
        (Array.isArray(value) ? value : [value]).forEach((plugin, k) =>
          this.plugin(`${where} (${magic} plugin ${k})`, plugin, kind),
        );
      } else {
        this.stage(where, value);
      }
    });
  }

  private unknownMagic(where: string, magic: string): void {
    const guess = closest(magic, Object.keys(ARC_MAGICS));
    const lower = magic.toLowerCase();
    const runsAs = STAGE_PREFIXES.find(([prefix]) => lower.startsWith(prefix));
    const effect =
      runsAs === undefined
        ? lower.startsWith('%arc')
          ? 'Arc would read the cell as a stage object'
          : 'Arc would ignore the cell when the job runs'
        : runsAs[1] === 'SQLTransform'
          ? 'Arc would run the cell as plain SQL and never fail on it'
          : `Arc would run the cell as a ${runsAs[1]} stage`;
    this.report.add(
      where,
      `magic '${magic}' is unknown; ${guess === undefined ? '' : `did you mean '${guess}'? `}${effect} ` +
        `(known magics: ${Object.keys(ARC_MAGICS).join(', ')})`,
    );
  }

  /** A `%sql`-style cell: checks the magic line and the inline SQL as Arc's notebook reader builds the stage. */
  private magicStage(where: string, magic: string, type: string, line: string, sql: string): void {
    const args = magicArguments(line);
    this.stages.push({ where, type, attributes: args, sql });
    const name = args.name ?? `notebook ${where}`;
    const label = `${magic} stage '${name}'`;
    if (/'/.test(line.replace(/"[^"]*"/g, '')) && Object.keys(args).length < line.split(/\s+/).length - 1) {
      this.report.add(
        where,
        `${label}: the magic line has a single quote (') outside double quotes, so Arc's argument parser glues ` +
          'the arguments before it to the magic and drops them (name, environments, sqlParams, outputView are ' +
          'lost and the stage is skipped or fails); remove the quote or put that value in double quotes',
      );
    }
    if (args.environments === undefined) {
      this.report.add(
        where,
        `${label} has no environments= argument, so Arc gives it environments [""] and silently skips it; ` +
          `add environments=${this.input.environments.length > 0 ? this.input.environments.join(',') : 'production,test'} to the magic line`,
      );
    } else {
      this.checkEnvironments(where, label, args.environments.split(','), `environments=${args.environments}`);
    }
    const spec = ARC_STAGE_TYPES[type];
    if (spec.required.includes('outputView') && (args.outputView ?? '') === '') {
      this.report.add(
        where,
        `${label} has no outputView= argument; ${type} must name the view it creates: add outputView=<view> ` +
          'to the magic line',
      );
    }
    if (sql.trim() === '') {
      this.report.add(where, `${label} has no SQL after the magic line; write the statement below it`);
    }
    // Other arguments become stage attributes (quoted strings), which the stage type must declare.
    for (const key of Object.keys(args)) {
      if (MAGIC_CONTROL_ARGS.includes(key) || (spec.keys?.includes(key) ?? false)) continue;
      const guess = closest(key, [...MAGIC_CONTROL_ARGS, ...(spec.keys ?? [])], { limit: 2 });
      this.report.add(
        where,
        `${label}: argument '${key}' is not one Arc reads from a magic line, so Arc passes it on as a stage ` +
          `attribute "${key}", which ${type} does not have: Arc rejects the job` +
          (guess === undefined ? '; remove it' : `; did you mean '${guess}'?`),
      );
    }
    const declared = new Map<string, string>();
    for (const piece of (args.sqlParams ?? '').split(',').filter((p) => p !== '')) {
      if (splitPair(piece) === undefined) {
        this.report.add(
          where,
          `${label}: sqlParams entry ${show(piece)} is not key=value, so Arc drops it; write ` +
            'sqlParams=key=value,key2=value2',
        );
      }
    }
    for (const [key, value] of sqlParamPairs(args.sqlParams ?? '')) {
      declared.set(key, value);
      const reference = /^\$\{(\??)([^}]*)\}$/.exec(value.trim());
      if (reference !== null) {
        this.checkSupplied(where, reference[2], reference[1] === '?', `sqlParams ${key}=${value}`);
      } else if (value.includes('${')) {
        this.report.add(
          where,
          `${label}: sqlParams ${key}=${value} is quoted verbatim by Arc, so ${'${…}'} in it is never ` +
            `substituted; make the value a single reference, e.g. ${key}=\${ETL_CONF_NAME}, and build the rest in SQL`,
        );
      }
    }
    this.checkSqlPlaceholders(where, label, sql, declared, 'the cell');
  }

  /**
   * Arc's parameter injection (SQLUtils.injectParameters): every declared key must occur in the SQL as
   * `${key}` (optionally `${key=anything}`), else Arc fails with "No placeholder found"; after replacing them, any
   * `${word}` or `${word=…}` left fails the job ("No replacement value found"). `${x=default}` is therefore not a
   * default: it fails unless x is declared.
   */
  private checkSqlPlaceholders(
    where: string,
    label: string,
    sql: string,
    declared: ReadonlyMap<string, string>,
    source: string,
  ): void {
    let rest = sql;
    for (const key of declared.keys()) {
      const placeholder = new RegExp(`[$][{]\\s*${regexText(key)}\\s*(?:=[^}]+)?[}]`, 'g');
      if (!placeholder.test(rest)) {
        this.report.add(
          where,
          `${label}: sqlParams declares ${key}, but ${source} never uses \${${key}}; Arc fails the job on an ` +
            `unused parameter ("No placeholder found"); remove ${key} from sqlParams or use it`,
        );
      }
      rest = rest.replace(placeholder, '');
    }
    const reported = new Set<string>();
    for (const match of rest.matchAll(/[$][{](\w*)(?:=[^}]+)?[}]/g)) {
      const [text, name] = match;
      if (reported.has(text)) continue;
      reported.add(text);
      const line = sql.slice(0, sql.indexOf(text)).split('\n').length;
      if (text.includes('=')) {
        this.report.add(
          where,
          `${label}: ${text} (line ${line} of ${source}) is not a default value in Arc: Arc fails the job unless ` +
            `sqlParams declares ${name}; add sqlParams=${name}=<value>`,
        );
        continue;
      }
      const etl = name.startsWith('ETL_CONF_');
      const param = etl ? name.slice('ETL_CONF_'.length).toLowerCase() : name;
      this.report.add(
        where,
        `${label}: the SQL uses \${${name}} (line ${line} of ${source}), but sqlParams does not declare ${name}; ` +
          (etl
            ? `Arc does not substitute job parameters inside SQL (only Jupyter does), so the job fails; add ` +
              `sqlParams=${param}=\${${name}} and write \${${param}}`
            : `Arc fails the job on it; add sqlParams=${name}=<value or \${ETL_CONF_…}>`),
      );
    }
  }

  // ---- job files ----

  private jobFile(): void {
    const [root] = this.parse([{ where: '(top level)', text: this.input.text }]);
    if (root === undefined) return;
    if (root === null || typeof root !== 'object' || Array.isArray(root)) {
      this.report.add(
        '(top level)',
        'an Arc job file is an object with a stages list; write { "stages": [ … ] }',
      );
      return;
    }
    const doc = root as Record<string, unknown>;
    const stages = doc.stages;
    if (!Array.isArray(stages)) {
      const guess = closest('stages', Object.keys(doc), { limit: 2 });
      this.report.add(
        'stages',
        `${stages === undefined ? 'missing' : `${show(stages)} is not a list`}; an Arc job file lists its ` +
          `stages under "stages": [ … ]${guess !== undefined && guess !== 'stages' ? ` (found '${guess}')` : ''}`,
      );
    } else {
      stages.forEach((stage, i) => this.stage(`stages[${i}]`, stage));
    }
    const plugins = doc.plugins as Record<string, unknown> | undefined;
    for (const kind of ['config', 'lifecycle'] as const) {
      const list = plugins?.[kind];
      if (Array.isArray(list)) {
        list.forEach((plugin, i) =>
          this.plugin(`plugins.${kind}[${i}]`, plugin, kind === 'config' ? 'configuration' : 'lifecycle'),
        );
      }
    }
  }

  // ---- HOCON ----

  /**
   * Parses HOCON objects (cells or the job file) with every substitution kept as its `${NAME}` text, after checking
   * that each is supplied. Returns undefined for texts with a syntax error (reported).
   */
  private parse(objects: readonly { where: string; text: string }[]): unknown[] {
    const scans = objects.map(({ where, text }) => {
      const found = scan(text);
      if (found === undefined) return undefined;
      for (const line of found.includes) {
        this.report.add(
          where,
          `line ${line}: include is not supported: Arc reads the job from one uploaded file, so an included ` +
            'file is not there (and an optional include is dropped silently); inline its content',
        );
      }
      return found;
    });
    // A text with an include is not parsed: the parser would read the included file (or URL) from this machine.
    const parseable = objects.flatMap((_, i) => (scans[i]?.includes.length === 0 ? [i] : []));
    const parsed = parseHoconSync(
      parseable.map((i) => ({ text: objects[i].text, scope: placeholderScope(scans[i]!.substitutions) })),
    );
    const results = objects.map((_, i): HoconResult | undefined => {
      const k = parseable.indexOf(i);
      return k < 0 ? undefined : parsed[k];
    });
    return results.map((result, i) => {
      const { where } = objects[i];
      if (scans[i] !== undefined && scans[i].includes.length > 0) return undefined;
      if (result === undefined || !result.ok) {
        const at =
          result?.ok === false && result.line !== undefined
            ? `line ${result.line}, column ${result.column}`
            : '';
        const of = where === '(top level)' ? '' : ' of the cell';
        this.report.add(
          where,
          `${at === '' ? '' : `${at}${of}: `}HOCON syntax error: ${result?.ok === false ? result.message : 'cannot be read'}; ` +
            (where === '(top level)'
              ? 'check brackets, quotes and commas'
              : 'a cell without a magic holds one stage object { … }; check brackets, quotes and commas, or start ' +
                'the cell with a magic such as %sql'),
        );
        return undefined;
      }
      const root = result.value;
      for (const sub of scans[i]?.substitutions ?? []) {
        const head = sub.name.split('.')[0];
        const defined = where === '(top level)' && root !== null && typeof root === 'object' && head in root;
        if (!defined) this.checkSupplied(where, sub.name, sub.optional, `line ${sub.line}`);
      }
      return root;
    });
  }

  /** A `${NAME}` the job uses must be supplied by a parameter or the runtime. */
  private checkSupplied(where: string, name: string, optional: boolean, at: string): void {
    if (optional) return;
    const { parameters } = this.input;
    if (name.startsWith('ETL_CONF_')) {
      const bare = name.slice('ETL_CONF_'.length);
      if (bare in parameters || name in parameters || isRuntimeParameter(bare)) return;
      const env = this.envCells.get(name);
      this.report.add(
        where,
        `\${${name}} (${at}) is supplied by nothing: neither the pipeline, the job nor the runtime sets ${bare}; ` +
          `add ${bare}: <value> under the job's or the pipeline's parameters (Arc receives it as --${name}), ` +
          `or write \${?${name}} where it may be missing` +
          (env === undefined
            ? ''
            : ` (the %env in cell ${env} sets it inside Jupyter only; jobs ignore %env)`),
      );
      return;
    }
    const guess = name in parameters || isRuntimeParameter(name) ? `\${ETL_CONF_${name}}` : undefined;
    this.report.add(
      where,
      `\${${name}} (${at}) is not defined in the job, and Arc receives parameters only as ETL_CONF_<NAME>; ` +
        (guess === undefined
          ? `write \${ETL_CONF_<NAME>} for a pipeline, job or runtime parameter`
          : `did you mean ${guess}?`),
    );
  }

  // ---- stages ----

  private stage(where: string, value: unknown): void {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const type = (value as Record<string, unknown>).type;
      this.stages.push({
        where,
        type: typeof type === 'string' ? type : '',
        attributes: value as Record<string, unknown>,
      });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.report.add(
        where,
        `${show(value)} is not a stage object; a stage is { "type": …, "name": …, "environments": [ … ], … }`,
      );
      return;
    }
    const stage = value as Record<string, unknown>;
    const name = typeof stage.name === 'string' && stage.name.trim() !== '' ? stage.name : undefined;
    const rawType = stage.type;
    if (typeof rawType !== 'string' || rawType === '') {
      this.report.add(
        where,
        `stage ${name === undefined ? '' : `'${name}' `}has no type; set "type" to a stage type such as ` +
          'DelimitedExtract, SQLTransform, SQLValidate or DeltaLakeLoad',
      );
      return;
    }
    // Arc accepts `Name`, `Name:version`, `package.Name` and `package.Name:version`.
    const [className] = rawType.split(':');
    const qualified = className.includes('.');
    const typeName = className.split('.').pop()!;
    const spec = ARC_STAGE_TYPES[typeName];
    const label = `stage ${name === undefined ? '' : `'${name}' `}(${rawType})`;
    if (spec === undefined && !qualified) {
      const guess = closest(typeName, Object.keys(ARC_STAGE_TYPES));
      this.report.add(
        where,
        `type '${rawType}' is not an Arc stage type; ${guess === undefined ? '' : `did you mean '${guess}'? `}` +
          'Arc stops the job on an unknown type (a plugin stage is written with its fully qualified class name)',
      );
    } else if (REMOVED_STAGE_TYPES[typeName] !== undefined) {
      this.report.add(where, `${label}: type ${typeName} ${REMOVED_STAGE_TYPES[typeName]}`);
      return;
    } else if (spec !== undefined && !ARC_IMAGE_STAGE_TYPES.includes(typeName)) {
      this.report.add(
        where,
        `${label}: type ${typeName} needs an Arc plugin that the pinned runtime image (Arc 4.2.0 with the Delta ` +
          'Lake plugin 3.1.0, etl/images/arc-runtime) does not contain, so Arc stops the job ("No plugins found"); ' +
          `use a stage type the image runs (${ARC_IMAGE_STAGE_TYPES.filter((t) => t.endsWith(typeName.replace(/^[A-Z][a-z]+/, ''))).join(', ') || 'see ARC_IMAGE_STAGE_TYPES'}) or the sql/pyspark runtime`,
      );
      return;
    }
    if (name === undefined) {
      this.report.add(where, `${label} has no name; set "name" to what the stage does (Arc's logs show it)`);
    }
    this.stageEnvironments(where, label, stage.environments);
    if (spec === undefined) return;
    for (const requirement of spec.required) {
      const options = typeof requirement === 'string' ? [requirement] : requirement;
      const present = options.filter((key) => stage[key] !== undefined && stage[key] !== null);
      if (present.length === 0) {
        this.report.add(where, `${label} has no ${requirementText(requirement)}; ${typeName} requires it`);
      } else if (present.length > 1 && requirement !== VIEW_OR_URI) {
        this.report.add(
          where,
          `${label} sets ${present.map((k) => `'${k}'`).join(' and ')}; ${typeName} takes only one of them`,
        );
      }
    }
    if (spec.keys !== undefined) {
      for (const key of Object.keys(stage)) {
        if (spec.keys.includes(key)) continue;
        const guess = closest(key, spec.keys, { limit: 2 });
        this.report.add(
          where,
          `${label}: attribute '${key}' is not one ${typeName} declares, and Arc rejects the job on it ` +
            `("Invalid attribute")${guess === undefined ? '; remove it' : `; did you mean '${guess}'?`}`,
        );
      }
    }
    for (const key of ['inputURI', 'schemaURI'] as const) {
      if (key === 'inputURI' && spec.sqlFile !== true) continue;
      if (typeof stage[key] === 'string') this.fileReference(where, label, key, stage[key], stage);
    }
  }

  private plugin(where: string, value: unknown, kind: string): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.report.add(
        where,
        `${show(value)} is not a ${kind} plugin object { "type": …, "environments": [ … ] }`,
      );
      return;
    }
    const plugin = value as Record<string, unknown>;
    if (typeof plugin.type !== 'string' || plugin.type === '') {
      this.report.add(where, `${kind} plugin has no type; set "type" to the plugin's class name`);
    }
    this.stageEnvironments(where, `${kind} plugin ${show(plugin.type)}`, plugin.environments);
  }

  private stageEnvironments(where: string, label: string, environments: unknown): void {
    if (environments === undefined) {
      this.report.add(
        where,
        `${label} has no environments, so Arc silently skips it; add "environments": ` +
          `${JSON.stringify(this.input.environments.length > 0 ? this.input.environments : ['production', 'test'])}`,
      );
      return;
    }
    if (!Array.isArray(environments) || !environments.every((e) => typeof e === 'string')) {
      this.report.add(
        where,
        `${label}: environments ${show(environments)} is not a list of names; write "environments": ["production", "test"]`,
      );
      return;
    }
    this.checkEnvironments(where, label, environments, `environments ${JSON.stringify(environments)}`);
  }

  /** Arc skips, without failing, every stage whose environments miss the job's environment. */
  private checkEnvironments(where: string, label: string, listed: readonly string[], written: string): void {
    for (const env of this.input.environments) {
      if (listed.includes(env)) continue;
      this.report.add(
        where,
        `${label}: ${written} does not include '${env}', the Arc environment the job runs in ` +
          `(${this.input.environmentReason}), so Arc would silently skip the stage; add '${env}' to the list ` +
          "or set the job's environment: to one the stages list",
      );
    }
  }

  /** A SQL or schema file a stage reads: must be a URI, and an uploaded file when it is a parameter's asset. */
  private fileReference(
    where: string,
    label: string,
    key: string,
    value: string,
    stage: Record<string, unknown>,
  ): void {
    const reference = /^\$\{(ETL_CONF_)?([A-Za-z0-9_]+)\}$/.exec(value);
    if (reference !== null) {
      const bare = reference[2];
      const param = this.input.parameters[bare] ?? this.input.parameters[`ETL_CONF_${bare}`];
      // The loader checks that an asset: parameter names an uploaded file; read it for its SQL parameters.
      if (key !== 'inputURI' || param === undefined || !param.startsWith('asset:')) return;
      const file = path.join(this.input.repoRoot, 'etl', param.slice('asset:'.length));
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return;
      const sqlParams =
        stage.sqlParams !== null && typeof stage.sqlParams === 'object'
          ? new Map(Object.entries(stage.sqlParams as Record<string, string>))
          : new Map<string, string>();
      this.checkSqlPlaceholders(
        where,
        label,
        fs.readFileSync(file, 'utf8'),
        sqlParams,
        `etl/${param.slice(6)}`,
      );
      return;
    }
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) || value.includes('${')) return;
    // No scheme: Arc cannot read it. Suggest uploading the file as an asset parameter.
    const jobDir = path.posix.dirname(this.input.file);
    const candidates = [
      path.posix.normalize(`${jobDir}/${value}`),
      path.posix.normalize(`etl/jobs/${value}`),
    ];
    const found = candidates.find((c) => {
      const absolute = path.join(this.input.repoRoot, c);
      return c.startsWith('etl/jobs/') && fs.existsSync(absolute) && fs.statSync(absolute).isFile();
    });
    const param = key === 'schemaURI' ? 'SCHEMA_FILE' : 'SQL_FILE';
    this.report.add(
      where,
      `${label}: ${key} ${show(value)} is a path, not a URI, and the job runs from an uploaded copy where relative ` +
        `paths point nowhere; ` +
        (found === undefined
          ? `no file ${candidates.filter((c) => c.startsWith('etl/jobs/')).join(' or ')} exists either; add the file under etl/jobs/ and `
          : '') +
        `add ${param}: asset:${(found ?? candidates[0]).replace(/^etl\//, '')} to the job's parameters and write ` +
        `"${key}": \${ETL_CONF_${param}}`,
    );
  }
}

/**
 * The problems of one Arc job (notebook or job file), each `<file>: <cell n | stages[i] | …>: <what, value, fix>
 * (<context>)`; empty when the job is fine.
 */
export function lintArcJob(input: ArcJobInput): string[] {
  return new ArcLint(input).run();
}

/** One stage of an Arc job as Arc builds it: a stage object, or a `%sql`-style cell (then `sql` is its SQL). */
export interface ArcStage {
  /** `cell 3`, `stages[1]`. */
  readonly where: string;
  /** The stage type (`SQLTransform` for a `%sql` cell). */
  readonly type: string;
  /** The object's attributes, or the magic line's arguments; `${…}` substitutions kept as written. */
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly sql?: string;
}

/** The lint's problems and the job's stages in the order Arc runs them (config/pipelines/arc-chain.ts reads them). */
export function parseArcJob(input: ArcJobInput): { problems: string[]; stages: ArcStage[] } {
  const lint = new ArcLint(input);
  const problems = lint.run();
  const order = (where: string) => Number(/(\d+)/.exec(where)?.[1] ?? -1);
  return { problems, stages: [...lint.stages].sort((a, b) => order(a.where) - order(b.where)) };
}
