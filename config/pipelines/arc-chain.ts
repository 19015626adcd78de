import type { ArcStage } from './arc-lint';
import type { DatasetAddress } from './model';
import { compileSql, type StatementLineage, type ViewScope } from './sql-compile';
import { closest } from './suggest';

/**
 * The view chain of an Arc job and its lineage, from the stages arc-lint parsed (parseArcJob): every view a stage
 * reads (`inputView`, `leftView`, `rightView`, a single-part name in the SQL of a `%sql`/`%sqlvalidate` cell or an
 * SQL stage) must be created by an earlier stage (`outputView`), as Arc runs the stages in order in one Spark session
 * without a metastore; the inline SQL is compiled with the Spark SQL grammar after Arc's `sqlParams` substitution.
 * Extract stages read the dataset at their `inputURI`, load stages write the one at their `outputURI`.
 */

/** Format of the dataset an extract or load stage reads or writes, by stage type. */
const STAGE_FORMATS: Readonly<Record<string, string>> = {
  AvroExtract: 'avro',
  AvroLoad: 'avro',
  DelimitedExtract: 'csv',
  DelimitedLoad: 'csv',
  DeltaLakeExtract: 'delta',
  DeltaLakeLoad: 'delta',
  DeltaLakeMergeLoad: 'delta',
  JSONExtract: 'json',
  JSONLoad: 'json',
  ORCExtract: 'orc',
  ORCLoad: 'orc',
  ParquetExtract: 'parquet',
  ParquetLoad: 'parquet',
  TextExtract: 'text',
  TextLoad: 'text',
  XMLExtract: 'xml',
  XMLLoad: 'xml',
  BytesExtract: 'binaryfile',
  ImageExtract: 'image',
};

/** Stages whose `inputURI` is a SQL file, not data. */
const SQL_FILE_STAGES = [
  'SQLTransform',
  'SQLValidate',
  'MetadataFilterTransform',
  'MetadataValidate',
  'ConfigExecute',
  'ControlFlowExecute',
  'LogExecute',
  'JDBCExecute',
];

/** One problem of the chain: where (`cell 3`, `stages[1]`) and what. */
export interface ChainProblem {
  readonly where: string;
  readonly text: string;
}

/** The Arc job's problems and what each stage read and wrote, in order. */
export interface ArcChain {
  readonly problems: readonly ChainProblem[];
  readonly steps: readonly StatementLineage[];
}

/** `${ETL_CONF_X}` / `${X}` in a stage attribute → the job's value of X (as Arc resolves it from --ETL_CONF_X). */
function resolve(
  value: string,
  values: Readonly<Record<string, string>>,
): { text: string; dynamic: boolean } {
  let dynamic = false;
  const text = value.replace(/\$\{\??([^}]*)\}/g, (whole, name: string) => {
    const bare = name.startsWith('ETL_CONF_') ? name.slice('ETL_CONF_'.length) : name;
    const found = values[bare] ?? values[name];
    if (found === undefined) dynamic = true;
    return found ?? whole;
  });
  return { text, dynamic };
}

/** Arc's `sqlParams` (a magic line's `k=v,k2=v2` or an object's map) → values for `${k}` in the SQL. */
function sqlParameters(raw: unknown, values: Readonly<Record<string, string>>): Record<string, string> {
  const entries: [string, string][] =
    typeof raw === 'string'
      ? raw
          .split(',')
          .filter((pair) => pair.includes('='))
          .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])
      : raw !== null && typeof raw === 'object'
        ? Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, String(v)])
        : [];
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, values).text]));
}

/**
 * Checks the view chain of one Arc job and compiles its inline SQL. `values`: the job's parameters and the runtime's
 * values by bare name (without `ETL_CONF_`).
 */
export function arcChain(stages: readonly ArcStage[], values: Readonly<Record<string, string>>): ArcChain {
  const problems: ChainProblem[] = [];
  const steps: StatementLineage[] = [];
  const views: ViewScope = new Map();
  /** Every view name created so far, as written (for "did you mean"). */
  const created: string[] = [];
  const needView = (
    where: string,
    label: string,
    attribute: string,
    view: unknown,
  ): readonly DatasetAddress[] => {
    if (typeof view !== 'string' || view === '') return [];
    const found = views.get(view.toLowerCase());
    if (found !== undefined) return found;
    const guess = closest(view, created);
    problems.push({
      where,
      text:
        `${label}: ${attribute} '${view}' is not created by an earlier stage, so Arc stops the job ("table or view ` +
        `not found"); ${guess === undefined ? '' : `did you mean '${guess}'? `}` +
        (created.length === 0
          ? 'no earlier stage creates a view: add an extract stage with outputView before this one'
          : `views created before this stage: ${created.join(', ')}`),
    });
    return [];
  };
  const createView = (name: unknown, sources: readonly DatasetAddress[]) => {
    if (typeof name !== 'string' || name === '') return;
    views.set(name.toLowerCase(), sources);
    if (!created.includes(name)) created.push(name);
  };
  for (const stage of stages) {
    const { where, attributes } = stage;
    const type = stage.type.split(':')[0].split('.').pop() ?? '';
    const name = typeof attributes.name === 'string' ? attributes.name : undefined;
    const label = `stage ${name === undefined ? '' : `'${name}' `}(${stage.type})`;
    const sql = stage.sql ?? (typeof attributes.sql === 'string' ? attributes.sql : undefined);
    if (sql !== undefined) {
      const sqlValues = sqlParameters(attributes.sqlParams, values);
      // Arc reads the view names a statement uses from the session; copy so a failed check does not leak views.
      const scope: ViewScope = new Map(views);
      const compiled = compileSql({ text: sql, values: sqlValues, views: scope });
      // A magic cell's SQL starts on the cell's second line.
      const offset = stage.sql !== undefined ? 1 : 0;
      for (const problem of compiled.problems) {
        problems.push({
          where,
          text: `${label}: ${problem.replace(
            /^line (\d+), column (\d+)/,
            (_, n: string, c: string) =>
              `line ${Number(n) + offset}, column ${c} of ${stage.sql !== undefined ? 'the cell' : 'its sql'}`,
          )}`,
        });
      }
      const reads: DatasetAddress[] = [];
      for (const statement of compiled.statements) {
        for (const read of statement.reads) {
          // Without a metastore a single-part name can only be a view an earlier stage created.
          if (read.kind === 'table' && !read.table.includes('.'))
            needView(where, label, 'the SQL reads view', read.table);
          else reads.push(read);
        }
        steps.push({
          ...statement,
          line: statement.line + offset,
          reads: statement.reads.filter((r) => r.kind !== 'table' || r.table.includes('.')),
        });
      }
      if (type === 'SQLTransform') createView(attributes.outputView, reads);
      continue;
    }
    const inputs: DatasetAddress[] = [];
    for (const attribute of ['inputView', 'leftView', 'rightView']) {
      inputs.push(...needView(where, label, attribute, attributes[attribute]));
    }
    const format = STAGE_FORMATS[type];
    let dynamic = false;
    const path = (attribute: string): DatasetAddress | undefined => {
      const raw = attributes[attribute];
      if (typeof raw !== 'string' || format === undefined) return undefined;
      const resolved = resolve(raw, values);
      dynamic ||= resolved.dynamic;
      return { kind: 'path', uri: resolved.text, format };
    };
    const source = SQL_FILE_STAGES.includes(type) ? undefined : path('inputURI');
    const target = path('outputURI');
    if (source !== undefined) inputs.push(source);
    createView(attributes.outputView, inputs);
    if (source !== undefined || target !== undefined) {
      steps.push({
        line: 0,
        summary: `${where} ${label}`,
        reads: source === undefined ? [] : [source],
        writes: target === undefined ? [] : [target],
        dynamic,
      });
    }
  }
  return { problems, steps };
}
