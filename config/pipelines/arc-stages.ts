/**
 * What the Arc lint (config/pipelines/arc-lint.ts) knows about Arc, as data: the notebook magics, the stage types with
 * their required and accepted attributes, the types the pinned runtime image runs, and the removed ones.
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
export const MAGIC_CONTROL_ARGS = [
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
export const STAGE_PREFIXES: readonly [string, string][] = [
  ['%log', 'LogExecute'],
  ['%configexecute', 'ConfigExecute'],
  ['%metadatafilter', 'MetadataFilterTransform'],
  ['%metadatavalidate', 'MetadataValidate'],
  ['%sqlvalidate', 'SQLValidate'],
  ['%sql', 'SQLTransform'],
];

/** A required attribute, or a list of which exactly one is required. */
export type Requirement = string | readonly string[];

/** What the lint knows about a stage type. */
export interface StageType {
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
export const VIEW_OR_URI: Requirement = ['inputURI', 'inputView'];
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
export const REMOVED_STAGE_TYPES: Readonly<Record<string, string>> = {
  DeltaLakeMergeLoad:
    'was removed in the Delta Lake plugin 3.x (the image bundles 3.1.0); write the merge as a %sql cell ' +
    'with MERGE INTO delta.`<path>` USING <view> … (Delta Lake SQL is enabled in the SparkApplication)',
};

/** A requirement as messages name it: `'inputURI' or 'sql'`. */
export function requirementText(requirement: Requirement): string {
  return typeof requirement === 'string' ? `'${requirement}'` : requirement.map((r) => `'${r}'`).join(' or ');
}
