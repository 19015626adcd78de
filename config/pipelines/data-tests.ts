import type { DataTest, DataTestKind, DatasetAddress } from './model';
import { parseDeclaredDataset } from './lineage';
import { unsuppliedParameter } from './runtime-parameters';
import { DATA_TEST_KINDS, parseMaxAge, type DataTestDocument } from './schema';
import { addressKey, compileSql } from './sql-compile';
import { closest } from './suggest';

/**
 * Data tests: the `tests:` of a pipeline job turned into Spark SQL queries whose rows are the failures. A query keeps
 * the `${NAME}` placeholders of the YAML (and `${DATALAKE}` for the data lake), so the SQL runner fills in the values
 * of the place it runs in: the cluster's S3 data lake, or a local warehouse (`make run-local`).
 *
 * The pipeline loader calls {@link buildDataTests} once per job, after the job's lineage is known: a test checks a
 * dataset the job writes (`dataset:`, by default the job's only output), read with the format its SQL writes it as.
 */

/** What a test's SQL reads, for the message of a problem: a path in the test's YAML and the text. */
export interface DataTestProblem {
  /** Path below the test (`['dataset']`, `['row_count', 'min']`); empty for the test itself. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** What {@link buildDataTests} needs to know about the job and the pipeline. */
export interface DataTestContext {
  readonly jobId: string;
  /** `${NAME}` values as the job sees them (runtime values and parameters), to resolve datasets and check SQL. */
  readonly values: Readonly<Record<string, string>>;
  /** The datasets the job writes (resolved with `values`). */
  readonly outputs: readonly DatasetAddress[];
  /** Every dataset a job of the pipeline reads or writes (resolved), for the format of a relationships target. */
  readonly known: readonly DatasetAddress[];
}

/** Placeholders of `${NAME}` form (names with dots or colons are Spark's own). */
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function quoteIdentifier(part: string): string {
  return `\`${part.replace(/`/g, '``')}\``;
}

/** `a.b` → `` `a`.`b` `` (the schema allows letters, digits, '_' and dots only). */
function columnSql(column: string, qualifier?: string): string {
  const quoted = column.split('.').map(quoteIdentifier).join('.');
  return qualifier === undefined ? quoted : `${qualifier}.${quoted}`;
}

function literal(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  // Spark's string literals take backslash escapes (spark.sql.parser.escapedStringLiterals is false by default).
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function count(value: number | string): string {
  return String(value);
}

/**
 * A resolved address back in the form the runtime substitutes: a path under the data lake starts with `${DATALAKE}`
 * again (the cluster's bucket or the local warehouse), anything else stays as resolved.
 */
function placeholderForm(address: DatasetAddress, values: Readonly<Record<string, string>>): string {
  if (address.kind === 'path') {
    const lake = values.DATALAKE;
    if (lake !== undefined && (address.uri === lake || address.uri.startsWith(`${lake}/`))) {
      return `\${DATALAKE}${address.uri.slice(lake.length)}`;
    }
    return address.uri;
  }
  return address.kind === 'table' ? `table:${address.table}` : `glue:${address.database}.${address.table}`;
}

function resolve(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

function unknownPlaceholders(text: string, values: Readonly<Record<string, string>>): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((name) => !(name in values));
}

function describe(address: DatasetAddress): string {
  switch (address.kind) {
    case 'path':
      return address.uri;
    case 'table':
      return `table:${address.table}`;
    case 'glue':
      return `glue:${address.database}.${address.table}`;
  }
}

/** How a test reads a dataset: `delta.\`${DATALAKE}/x\`` or `db.table`; a string problem when it cannot. */
function relation(
  written: string,
  address: DatasetAddress,
  format: string | undefined,
  formatField: string,
): { sql: string } | { problem: string } {
  if (address.kind === 'glue') {
    return {
      problem:
        `${written} is a Glue table, which Spark jobs of this kit do not read (Athena does); test the path the ` +
        'table points at instead, where the job that writes it runs',
    };
  }
  if (address.kind === 'table') return { sql: written.replace(/^table:/, '') };
  if (written.includes('`'))
    return { problem: `${written} contains a backtick, which a Spark path cannot hold` };
  const chosen = format ?? address.format;
  if (chosen === undefined) {
    return {
      problem:
        `no job of the pipeline shows how ${written} is stored; add ${formatField}: delta (or parquet, orc, json, ` +
        'csv, avro)',
    };
  }
  return { sql: `${chosen}.\`${written}\`` };
}

function kindOf(test: DataTestDocument): DataTestKind | undefined {
  return DATA_TEST_KINDS.find((kind) => test[kind] !== undefined);
}

function defaultName(test: DataTestDocument, kind: DataTestKind): string {
  switch (kind) {
    case 'not_null':
      return `not_null(${test.not_null!.join(', ')})`;
    case 'unique':
      return `unique(${test.unique!.join(', ')})`;
    case 'accepted_values':
      return `accepted_values(${test.accepted_values!.column})`;
    case 'row_count':
      return 'row_count';
    case 'relationships':
      return `relationships(${test.relationships!.column} → ${test.relationships!.field})`;
    case 'freshness':
      return `freshness(${test.freshness!.column})`;
    case 'sql':
      return 'sql';
  }
}

function rowCountBounds(bounds: NonNullable<DataTestDocument['row_count']>): {
  condition: string;
  failing: string;
} {
  if (bounds.equals !== undefined) {
    return {
      condition: `count(*) <> ${count(bounds.equals)}`,
      failing: `row count not equal to ${count(bounds.equals)}`,
    };
  }
  const parts: string[] = [];
  if (bounds.min !== undefined) parts.push(`count(*) < ${count(bounds.min)}`);
  if (bounds.max !== undefined) parts.push(`count(*) > ${count(bounds.max)}`);
  const failing =
    bounds.min !== undefined && bounds.max !== undefined
      ? `row count outside ${count(bounds.min)}..${count(bounds.max)}`
      : bounds.min !== undefined
        ? `row count below ${count(bounds.min)}`
        : `row count above ${count(bounds.max!)}`;
  return { condition: parts.join(' OR '), failing };
}

/** The query and its failure description of one test (the dataset already read as `from`). */
function querySql(
  test: DataTestDocument,
  kind: DataTestKind,
  dataset: string,
  target: string | undefined,
): { sql: string; failing: string } {
  const where = test.where === undefined ? undefined : `(${test.where})`;
  // An alias always: Spark would otherwise read `delta.\`…\` WHERE (flag)` as the alias WHERE with a column list.
  const from = `${dataset} AS tested`;
  const filter = (...conditions: (string | undefined)[]): string => {
    const present = conditions.filter((c): c is string => c !== undefined);
    return present.length === 0 ? '' : ` WHERE ${present.join(' AND ')}`;
  };
  switch (kind) {
    case 'not_null': {
      const cols = test.not_null!;
      return {
        sql: `SELECT * FROM ${from}${filter(where, `(${cols.map((c) => `${columnSql(c)} IS NULL`).join(' OR ')})`)}`,
        failing: `rows with a NULL in ${cols.join(' or ')}`,
      };
    }
    case 'unique': {
      const cols = test.unique!.map((c) => columnSql(c)).join(', ');
      return {
        sql: `SELECT ${cols}, count(*) AS occurrences FROM ${from}${filter(where)} GROUP BY ${cols} HAVING count(*) > 1`,
        failing: `values of (${test.unique!.join(', ')}) that occur more than once`,
      };
    }
    case 'accepted_values': {
      const { column, values } = test.accepted_values!;
      const col = columnSql(column);
      const shown = values.slice(0, 5).map(String).join(', ') + (values.length > 5 ? ', …' : '');
      return {
        sql: `SELECT * FROM ${from}${filter(where, `${col} IS NOT NULL`, `${col} NOT IN (${values.map(literal).join(', ')})`)}`,
        failing: `rows whose ${column} is not one of ${shown}`,
      };
    }
    case 'row_count': {
      const { condition, failing } = rowCountBounds(test.row_count!);
      return {
        sql: `SELECT count(*) AS row_count FROM ${from}${filter(where)} HAVING ${condition}`,
        failing,
      };
    }
    case 'relationships': {
      const { column, field, to } = test.relationships!;
      return {
        sql:
          `SELECT c.* FROM (SELECT * FROM ${from}${filter(`${columnSql(column)} IS NOT NULL`, where)}) AS c ` +
          `LEFT ANTI JOIN ${target} AS p ON ${columnSql(column, 'c')} = ${columnSql(field, 'p')}`,
        failing: `rows whose ${column} is missing from ${field} of ${to}`,
      };
    }
    case 'freshness': {
      const { column, maxAge } = test.freshness!;
      const col = columnSql(column);
      return {
        sql:
          `SELECT max(${col}) AS newest, current_timestamp() AS checked_at FROM ${from}${filter(where)} ` +
          `HAVING max(${col}) IS NULL OR max(${col}) < current_timestamp() - INTERVAL ${parseMaxAge(maxAge)} SECONDS`,
        failing: `newest ${column} older than ${maxAge} (or none at all)`,
      };
    }
    case 'sql':
      return { sql: test.sql!.trim().replace(/;\s*$/, ''), failing: 'rows returned' };
  }
}

/**
 * The data tests of one job, or the problems that keep them from running: a dataset the job does not write, a format
 * nothing shows, a `${NAME}` nothing supplies, SQL Spark's grammar rejects, two tests of one name.
 */
export function buildDataTests(
  documents: readonly DataTestDocument[],
  context: DataTestContext,
): { tests: DataTest[]; problems: { index: number; problem: DataTestProblem }[] } {
  const problems: { index: number; problem: DataTestProblem }[] = [];
  const tests: DataTest[] = [];
  const names = new Map<string, number>();
  const { values } = context;
  const outputs = new Map(context.outputs.map((o) => [addressKey(o), o]));
  const known = new Map(context.known.map((k) => [addressKey(k), k]));
  for (const [k, o] of outputs) known.set(k, o);
  const shownOutputs =
    context.outputs.length === 0 ? 'nothing known' : context.outputs.map(describe).join(', ');

  documents.forEach((test, index) => {
    const add = (path: DataTestProblem['path'], message: string) =>
      problems.push({ index, problem: { path, message } });
    const before = problems.length;
    const kind = kindOf(test);
    if (kind === undefined) {
      add([], `names no kind of test; add one of ${DATA_TEST_KINDS.join(', ')}`);
      return;
    }
    const name = test.name ?? defaultName(test, kind);
    const first = names.get(name);
    if (first !== undefined) {
      add(
        test.name === undefined ? [] : ['name'],
        `is named '${name}' like test ${first + 1} of job '${context.jobId}'; give one of them name: <another name>`,
      );
    }
    names.set(name, index);

    // Every ${NAME} a test uses must be supplied, as in the job's SQL.
    const texts: [DataTestProblem['path'], string | undefined][] = [
      [['dataset'], test.dataset],
      [['where'], test.where],
      [['sql'], test.sql],
      [['relationships', 'to'], test.relationships?.to],
      [['row_count', 'min'], typeof test.row_count?.min === 'string' ? test.row_count.min : undefined],
      [['row_count', 'max'], typeof test.row_count?.max === 'string' ? test.row_count.max : undefined],
      [
        ['row_count', 'equals'],
        typeof test.row_count?.equals === 'string' ? test.row_count.equals : undefined,
      ],
    ];
    for (const [path, text] of texts) {
      if (text === undefined) continue;
      for (const missing of new Set(unknownPlaceholders(text, values))) {
        const guess = closest(missing, Object.keys(values));
        add(path, unsuppliedParameter(missing, guess));
      }
      if (text.includes('{{')) {
        add(
          path,
          "contains '{{', which Argo Workflows would read as one of its variables; write the SQL without it",
        );
      }
    }
    for (const bound of ['min', 'max', 'equals'] as const) {
      const value = test.row_count?.[bound];
      if (typeof value !== 'string') continue;
      const name = value.slice(2, -1);
      if (name in values && !/^[0-9]+$/.test(values[name])) {
        add(
          ['row_count', bound],
          `'${value}' is '${values[name]}', which is not a whole number of rows; set ${name} to one (e.g. '1000')`,
        );
      }
    }
    if (problems.length > before) return;

    // The dataset: one the job writes.
    let address: DatasetAddress;
    let written: string;
    if (test.dataset === undefined) {
      if (context.outputs.length !== 1) {
        add(
          [],
          `names no dataset: and job '${context.jobId}' writes ${context.outputs.length === 0 ? 'no dataset the SQL shows (declare outputs: on the job)' : `${context.outputs.length} datasets (${shownOutputs})`}; add dataset: <the one to test>`,
        );
        return;
      }
      address = context.outputs[0];
      written = placeholderForm(address, values);
    } else {
      const parsed = parseDeclaredDataset(resolve(test.dataset, values));
      if (typeof parsed === 'string') {
        add(['dataset'], `'${test.dataset}' ${parsed}`);
        return;
      }
      const output = outputs.get(addressKey(parsed));
      if (output === undefined) {
        add(
          ['dataset'],
          `'${test.dataset}' is not written by job '${context.jobId}' (it writes: ${shownOutputs}); a test checks ` +
            "what its job writes: test it on the job that writes it, or declare it in the job's outputs:",
        );
        return;
      }
      address = output;
      written = test.dataset;
    }
    const from = relation(written, address, test.format, 'format');
    if ('problem' in from) {
      add(test.dataset === undefined ? [] : ['dataset'], from.problem);
      return;
    }

    let target: string | undefined;
    if (test.relationships !== undefined) {
      const to = test.relationships.to;
      const parsed = parseDeclaredDataset(resolve(to, values));
      if (typeof parsed === 'string') {
        add(['relationships', 'to'], `'${to}' ${parsed}`);
        return;
      }
      const found = known.get(addressKey(parsed)) ?? parsed;
      const read = relation(to, found, test.relationships.format, 'relationships.format');
      if ('problem' in read) {
        add(['relationships', 'to'], read.problem);
        return;
      }
      target = read.sql;
    }

    const query = querySql(test, kind, from.sql, target);
    // Spark's grammar answers before anything runs: a typo in where: or sql: fails the synth, not the run.
    const compiled = compileSql({ text: query.sql, values });
    if (compiled.problems.length > 0) {
      const field = test.sql !== undefined ? ['sql'] : test.where !== undefined ? ['where'] : [];
      add(
        field,
        `${field.length === 0 ? 'builds' : 'makes'} SQL that Spark's grammar rejects: ${compiled.problems[0].replace(/^line \d+, column \d+: /, '')}` +
          ` (the test's query: ${query.sql})`,
      );
      return;
    }
    if (compiled.statements.length !== 1) {
      add(
        ['sql'],
        `holds ${compiled.statements.length} statements; write one query whose rows are the failures`,
      );
      return;
    }
    const [statement] = compiled.statements;
    if (statement.writes.length > 0 || !/^\s*(SELECT|WITH|FROM|VALUES|TABLE)\b/i.test(query.sql)) {
      add(
        ['sql'],
        `is not a query ('${statement.summary}'); a test only reads: write a SELECT whose rows are the failures`,
      );
      return;
    }
    tests.push({ name, kind, dataset: written, failing: query.failing, sql: query.sql });
  });
  return { tests: problems.length === 0 ? tests : [], problems };
}
