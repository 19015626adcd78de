import { SparkSQL } from 'dt-sql-parser/dist/parser/spark';
import { describe, expect, test } from 'vitest';
import { compileSql } from './sql-compile';

const values = {
  DATALAKE: 's3a://lake/warehouse',
  LIMIT: '10',
  CURRENT_TIMESTAMP: '2026-01-01T00:00:00Z',
  EPOCH: '1767225600',
};
const compile = (text: string, extra: Record<string, string> = {}) =>
  compileSql({ text, values: { ...values, ...extra } });

describe('syntax errors', () => {
  test('name the line and column of the original text, the offending text and the statement', () => {
    const { problems } = compile('-- stage\nSELECT 1;\n\nSELECT a,\n  b\nFORM t;\n');
    expect(problems).toEqual([
      expect.stringMatching(
        /^line 6, column 6: SQL syntax error: 't' is not valid at this position; near 't;' in the statement starting 'SELECT a, b FORM t'/,
      ),
    ]);
  });

  test('map positions after a substitution back to the original text', () => {
    // The value is 20 characters longer than ${DATALAKE}; the error is reported where the user wrote it.
    const { problems } = compile('SELECT * FROM delta.`${DATALAKE}/orders` WHER id = 1');
    expect(problems).toEqual([
      expect.stringMatching(/^line 1, column 47: SQL syntax error: 'id' is not valid/),
    ]);
  });

  test('an error inside a substituted value points at the placeholder and shows the value', () => {
    const { problems } = compile('SELECT *\nFROM t\nWHERE updated_at <= ${CURRENT_TIMESTAMP}');
    expect(problems).toEqual([
      expect.stringMatching(
        /^line 3, column 21: SQL syntax error: .* \(inside the value of \$\{CURRENT_TIMESTAMP\}, '2026-01-01T00:00:00Z'\)/,
      ),
    ]);
    // Quoted, as it must be, the same value is fine; a number substitutes unquoted.
    expect(compile("SELECT * FROM t WHERE ts <= '${CURRENT_TIMESTAMP}' AND e < ${EPOCH}").problems).toEqual(
      [],
    );
  });

  test('report the expected token when the grammar names it', () => {
    const { problems } = compile('CREATE TABLE t (id BIGINT\nUSING DELTA');
    expect(problems).toEqual([
      expect.stringMatching(/^line 2, column 1: SQL syntax error: missing '\)' at 'USING'/),
    ]);
  });

  test('one problem per broken statement; the others still count', () => {
    const { problems, statements } = compile('SELEC 1;\nSELECT * FROM t;\nSELECT FROM;');
    expect(problems).toHaveLength(2);
    expect(statements.map((s) => s.line)).toEqual([2]);
  });

  test('empty and comment-only texts, unterminated strings and comments', () => {
    expect(compile('').problems).toEqual([expect.stringMatching(/^line 1, column 1: has no SQL statement/)]);
    expect(compile('-- nothing yet\n/* later */\n').problems).toEqual([
      expect.stringMatching(/has no SQL statement \(the text is empty or only comments\)/),
    ]);
    expect(compile("SELECT 'abc").problems).toEqual([
      expect.stringMatching(
        /^line 1, column 8: SQL syntax error: unterminated string \('…'\): close it with '/,
      ),
    ]);
    expect(compile("SELECT 'a\n, 'b'\nFROM t").problems).toEqual([
      expect.stringMatching(
        /^line 1, column 8: SQL syntax error: unterminated string: the string starting here runs over 2 lines/,
      ),
    ]);
    expect(compile('SELECT 1 /* no end').problems).toEqual([
      expect.stringMatching(/^line 1, column 10: SQL syntax error: unterminated comment: close it with \*\//),
    ]);
  });

  test('a ${NAME} nothing supplies is named with a suggestion when asked for', () => {
    const { problems } = compileSql({
      text: 'SELECT * FROM delta.`${DATA_LAKE}/x`',
      values,
      unknownParameterHint: (_name, guess) => `did you mean ${guess}?`,
    });
    expect(problems).toEqual([
      'line 1, column 22: ${DATA_LAKE} is supplied by nothing; did you mean DATALAKE?',
    ]);
  });
});

describe('where the grammar and Spark disagree', () => {
  const library = new SparkSQL();

  test('CREATE TEMP VIEW: the library rejects TEMP, Spark accepts it; the compile step accepts it', () => {
    expect(library.validate('CREATE TEMP VIEW v AS SELECT * FROM t')).not.toEqual([]);
    const { problems, statements } = compile(
      'CREATE TEMP VIEW v AS SELECT * FROM delta.`/a`;\nSELECT * FROM v',
    );
    expect(problems).toEqual([]);
    expect(statements[1].reads).toEqual([{ kind: 'path', uri: '/a', format: 'delta' }]);
  });

  test("Delta's VACUUM: the library rejects it; the compile step leaves it to Delta's parser", () => {
    expect(library.validate('VACUUM delta.`/a` RETAIN 168 HOURS')).not.toEqual([]);
    expect(compile('VACUUM delta.`/a` RETAIN 168 HOURS').problems).toEqual([]);
  });

  test('EXECUTE IMMEDIATE: the library rejects it; the compile step marks it dynamic', () => {
    expect(library.validate("EXECUTE IMMEDIATE 'SELECT 1'")).not.toEqual([]);
    const { problems, statements } = compile(
      "SELECT 1;\nEXECUTE IMMEDIATE 'INSERT INTO ' || 't' || ' VALUES (1)'",
    );
    expect(problems).toEqual([]);
    expect(statements[1]).toMatchObject({ line: 2, dynamic: true, reads: [], writes: [] });
  });
});

describe('lineage of statements', () => {
  test('reads and writes by statement kind; temporary views resolve to what they read; CTEs are not datasets', () => {
    const { problems, statements } = compile(
      [
        "CREATE OR REPLACE TEMPORARY VIEW raw USING csv OPTIONS (path 's3a://in/orders.csv', header 'true');",
        'CREATE OR REPLACE TEMPORARY VIEW typed AS SELECT CAST(id AS BIGINT) AS id FROM raw;',
        'WITH recent AS (SELECT * FROM typed) INSERT INTO sales.orders SELECT * FROM recent;',
        'CREATE TABLE IF NOT EXISTS delta.`${DATALAKE}/orders_by_day` (day DATE, n BIGINT) USING DELTA;',
        'MERGE INTO delta.`${DATALAKE}/orders_by_day` AS t USING (SELECT * FROM sales.orders) AS s ON t.day = s.day ' +
          'WHEN MATCHED THEN UPDATE SET n = s.n;',
        "INSERT OVERWRITE DIRECTORY 's3a://out/export' USING parquet SELECT * FROM parquet.`s3a://in/extra`;",
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(statements.map((s) => ({ reads: s.reads, writes: s.writes }))).toEqual([
      { reads: [], writes: [] },
      { reads: [], writes: [] },
      {
        reads: [{ kind: 'path', uri: 's3a://in/orders.csv', format: 'csv' }],
        writes: [{ kind: 'table', table: 'sales.orders' }],
      },
      { reads: [], writes: [{ kind: 'path', uri: 's3a://lake/warehouse/orders_by_day', format: 'delta' }] },
      {
        reads: [{ kind: 'table', table: 'sales.orders' }],
        writes: [{ kind: 'path', uri: 's3a://lake/warehouse/orders_by_day', format: 'delta' }],
      },
      {
        reads: [{ kind: 'path', uri: 's3a://in/extra', format: 'parquet' }],
        writes: [{ kind: 'path', uri: 's3a://out/export' }],
      },
    ]);
  });

  test("Spark's own variables (${spark.x}, ${hivevar:x}) make a statement dynamic without failing it", () => {
    const { problems, statements } = compile('SELECT * FROM ${hivevar:source_table}');
    expect(problems).toEqual([]);
    expect(statements[0].dynamic).toBe(true);
  });
});
