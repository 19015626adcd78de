import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { PipelineError, parsePipeline } from './load';
import type { DataTest } from './model';
import { pipelineJsonSchema } from './schema';

/**
 * Data tests as the loader builds them from pipeline YAML: the SQL of each kind (expected texts written here by
 * hand), the dataset a test reads, and every mistake an analyst can make, each with the field and the fix. That the
 * queries find what they should on real data is asserted on a local Spark (etl/local/pipelines.local.test.ts).
 */

const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'data-tests-'));
afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));
const FILES: Record<string, string> = {
  // One output (orders), then a job with two outputs, and a job reading a parquet path.
  'etl/jobs/dt/orders.sql':
    'CREATE OR REPLACE TABLE delta.`${DATALAKE}/shop/orders` USING DELTA AS SELECT * FROM parquet.`${DATALAKE}/raw/orders`;\n',
  'etl/jobs/dt/two.sql':
    'INSERT INTO delta.`${DATALAKE}/shop/a` SELECT 1 AS id;\nINSERT INTO delta.`${DATALAKE}/shop/b` SELECT 2 AS id;\n',
  'etl/jobs/dt/table.sql': 'INSERT INTO shop.customers SELECT 1 AS id;\n',
  'etl/jobs/dt/job.py': 'print(1)\n',
};
for (const [file, content] of Object.entries(FILES)) {
  fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  fs.writeFileSync(path.join(repo, file), content);
}

/** A pipeline with one sql job writing orders, whose tests are `tests`; `job` overrides fields of that job. */
function load(tests: unknown[], job: Record<string, unknown> = {}, more: Record<string, unknown>[] = []) {
  const text = stringify({
    name: 'dt',
    description: 'd',
    owner: 'data-platform',
    parameters: { MIN_ROWS: '5' },
    jobs: [{ id: 'orders', runtime: 'sql', file: 'dt/orders.sql', tests, ...job }, ...more],
  });
  return parsePipeline('etl/pipelines/dt.yaml', text, repo);
}

function testsOf(tests: unknown[], job: Record<string, unknown> = {}): readonly DataTest[] {
  return load(tests, job).jobs[0].tests ?? [];
}

function problems(tests: unknown[], job: Record<string, unknown> = {}, more: Record<string, unknown>[] = []) {
  try {
    load(tests, job, more);
  } catch (error) {
    if (error instanceof PipelineError) return error.message;
    throw error;
  }
  throw new Error('expected the pipeline to be rejected');
}

const ORDERS = 'delta.`${DATALAKE}/shop/orders` AS tested';

describe('the SQL of each kind', () => {
  test('not_null: one query over all columns, with the where condition first', () => {
    const [t] = testsOf([{ not_null: ['id', 'customer.email'], where: "status = 'open'" }]);
    expect(t).toEqual({
      name: 'not_null(id, customer.email)',
      kind: 'not_null',
      dataset: '${DATALAKE}/shop/orders',
      failing: 'rows with a NULL in id or customer.email',
      sql: `SELECT * FROM ${ORDERS} WHERE (status = 'open') AND (\`id\` IS NULL OR \`customer\`.\`email\` IS NULL)`,
    });
  });

  test('unique: a single column or a combination, duplicates with their count', () => {
    const [one, two] = testsOf([{ unique: 'id' }, { unique: ['id', 'day'] }]);
    expect(one.sql).toBe(
      `SELECT \`id\`, count(*) AS occurrences FROM ${ORDERS} GROUP BY \`id\` HAVING count(*) > 1`,
    );
    expect(two.name).toBe('unique(id, day)');
    expect(two.sql).toContain('GROUP BY `id`, `day` HAVING count(*) > 1');
  });

  test('accepted_values: literals quoted for Spark, NULLs left to not_null', () => {
    const [t] = testsOf([{ accepted_values: { column: 'status', values: ["it's", 'a\\b', 3, true] } }]);
    expect(t.sql).toBe(
      `SELECT * FROM ${ORDERS} WHERE \`status\` IS NOT NULL AND \`status\` NOT IN ('it\\'s', 'a\\\\b', 3, true)`,
    );
  });

  test('row_count: bounds, equality, and a parameter the runner fills in', () => {
    const [range, equals, param] = testsOf([
      { row_count: { min: 1, max: 10 } },
      { name: 'exact', row_count: { equals: 7 } },
      { name: 'param', row_count: { min: '${MIN_ROWS}' } },
    ]);
    expect(range.sql).toBe(
      `SELECT count(*) AS row_count FROM ${ORDERS} HAVING count(*) < 1 OR count(*) > 10`,
    );
    expect(range.failing).toBe('row count outside 1..10');
    expect(equals.sql).toMatch(/HAVING count\(\*\) <> 7$/);
    expect(param.sql).toMatch(/HAVING count\(\*\) < \$\{MIN_ROWS\}$/);
    expect(param.failing).toBe('row count below ${MIN_ROWS}');
  });

  test('relationships: an anti join on the referenced dataset, read in the format a job shows', () => {
    const [t] = testsOf([
      { relationships: { column: 'customer_id', to: '${DATALAKE}/raw/orders', field: 'id' } },
    ]);
    expect(t.sql).toBe(
      `SELECT c.* FROM (SELECT * FROM ${ORDERS} WHERE \`customer_id\` IS NOT NULL) AS c ` +
        'LEFT ANTI JOIN parquet.`${DATALAKE}/raw/orders` AS p ON c.`customer_id` = p.`id`',
    );
  });

  test('freshness: the newest value against the time of the run, in seconds', () => {
    const [t] = testsOf([{ freshness: { column: 'updated_at', maxAge: '36h' } }]);
    expect(t.sql).toBe(
      `SELECT max(\`updated_at\`) AS newest, current_timestamp() AS checked_at FROM ${ORDERS} ` +
        'HAVING max(`updated_at`) IS NULL OR max(`updated_at`) < current_timestamp() - INTERVAL 129600 SECONDS',
    );
  });

  test('sql: the query as written, without a trailing semicolon', () => {
    const [t] = testsOf([
      { name: 'negative', sql: 'SELECT * FROM delta.`${DATALAKE}/shop/orders` WHERE id < 0;\n' },
    ]);
    expect(t).toMatchObject({ name: 'negative', kind: 'sql', failing: 'rows returned' });
    expect(t.sql).toBe('SELECT * FROM delta.`${DATALAKE}/shop/orders` WHERE id < 0');
  });

  test('a Spark catalog table is read by its name; a declared path needs its format', () => {
    const [t] = testsOf([{ not_null: 'id' }], { file: 'dt/table.sql' });
    expect(t.sql).toBe('SELECT * FROM shop.customers AS tested WHERE (`id` IS NULL)');
    const declared = { runtime: 'pyspark', file: 'dt/job.py', outputs: ['${DATALAKE}/py/out'] };
    expect(testsOf([{ not_null: 'id', format: 'parquet' }], declared)[0].sql).toContain(
      'FROM parquet.`${DATALAKE}/py/out` AS tested',
    );
    expect(problems([{ not_null: 'id' }], declared)).toMatch(
      /field jobs\[0\]\.tests\[0\]: no job of the pipeline shows how \$\{DATALAKE\}\/py\/out is stored; add format: delta/,
    );
  });
});

describe('which dataset a test reads', () => {
  test('a job writing several datasets needs dataset:, and it must be one of them', () => {
    const two = { file: 'dt/two.sql' };
    expect(problems([{ not_null: 'id' }], two)).toMatch(
      /field jobs\[0\]\.tests\[0\]: names no dataset: and job 'orders' writes 2 datasets \(s3a:\/\/.*\/shop\/a, s3a:\/\/.*\/shop\/b\); add dataset: <the one to test>/,
    );
    expect(testsOf([{ dataset: '${DATALAKE}/shop/b', not_null: 'id' }], two)[0].sql).toBe(
      'SELECT * FROM delta.`${DATALAKE}/shop/b` AS tested WHERE (`id` IS NULL)',
    );
    expect(problems([{ dataset: '${DATALAKE}/shop/c', not_null: 'id' }], two)).toMatch(
      /field jobs\[0\]\.tests\[0\]\.dataset: '\$\{DATALAKE\}\/shop\/c' is not written by job 'orders' \(it writes: .*\); a test checks what its job writes/,
    );
  });

  test('a Glue table is refused with the reason and what to test instead', () => {
    const glue = { runtime: 'pyspark', file: 'dt/job.py', outputs: ['glue:${GLUE_DATABASE}.orders'] };
    expect(problems([{ not_null: 'id' }], glue)).toMatch(
      /is a Glue table, which Spark jobs of this kit do not read/,
    );
  });
});

describe('mistakes, each with the field and the fix', () => {
  test.each([
    [
      { not_null: 'id', unique: 'id' },
      /tests\[0\]\.unique: 'id' is given together with not_null; write one test per list item/,
    ],
    [{ name: 'x' }, /tests\[0\]: names no kind of test; add one of not_null, unique, accepted_values/],
    [{ sql: 'SELECT 1' }, /tests\[0\]\.sql: 'SELECT 1' has no name; add name:/],
    [{ name: 'x', sql: 'SELECT 1', where: 'a' }, /tests\[0\]\.where: 'a' applies to the other kinds only/],
    [
      { row_count: { equals: 1, min: 0 } },
      /tests\[0\]\.row_count: .* needs min and\/or max, or equals alone/,
    ],
    [{ row_count: { min: 5, max: 1 } }, /tests\[0\]\.row_count\.max: 1 is below min \(5\)/],
    [{ row_count: { min: 'five' } }, /tests\[0\]\.row_count\.min: .*use a whole number or one parameter/],
    [
      { freshness: { column: 'ts', maxAge: '2 days' } },
      /maxAge: .*use a whole number followed by s, m, h or d/,
    ],
    [{ not_null: 'bad column' }, /not_null: .*use a column name/],
    [
      { nul_null: 'id' },
      /field jobs\[0\]\.tests\[0\]\.nul_null: unknown field; did you mean 'not_null'\?(?![\s\S]*names no kind)/,
    ],
  ])('%j', (test_, message) => {
    expect(problems([test_])).toMatch(message);
  });

  test('an unknown ${NAME} with a "did you mean" that is itself a supplied name', () => {
    expect(problems([{ row_count: { min: '${MIN_ROW}' } }])).toMatch(
      /tests\[0\]\.row_count\.min: uses \$\{MIN_ROW\}, which neither the pipeline, the job nor the runtime supplies; did you mean \$\{MIN_ROWS\}\?/,
    );
  });

  test("where: and sql: are parsed with Spark's grammar at load", () => {
    expect(problems([{ not_null: 'id', where: 'status = = 1' }])).toMatch(
      /tests\[0\]\.where: makes SQL that Spark's grammar rejects: /,
    );
    expect(problems([{ name: 'x', sql: 'SELEC * FROM t' }])).toMatch(
      /tests\[0\]\.sql: makes SQL that Spark's grammar rejects/,
    );
  });

  test('a test only reads: a write or several statements are refused', () => {
    expect(problems([{ name: 'x', sql: 'DELETE FROM delta.`${DATALAKE}/shop/orders`' }])).toMatch(
      /tests\[0\]\.sql: is not a query .*a test only reads: write a SELECT/,
    );
    expect(problems([{ name: 'x', sql: 'SELECT 1; SELECT 2' }])).toMatch(
      /tests\[0\]\.sql: holds 2 statements/,
    );
  });

  test("'{{' would be read by Argo as a variable", () => {
    expect(problems([{ name: 'x', sql: "SELECT '{{x}}'" }])).toMatch(/tests\[0\]\.sql: contains '\{\{'/);
  });

  test('two tests of one name, and a tests step named like a job', () => {
    expect(problems([{ not_null: 'id' }, { not_null: 'id' }])).toMatch(
      /tests\[1\]: is named 'not_null\(id\)' like test 1 of job 'orders'/,
    );
    expect(
      problems([{ not_null: 'id' }], {}, [{ id: 'orders-tests', runtime: 'sql', file: 'dt/table.sql' }]),
    ).toMatch(/jobs\[0\]\.tests: make a step named 'orders-tests', which is also a job id/);
  });
});

test('the JSON Schema editors use knows the kinds of test', () => {
  const schema = JSON.stringify(pipelineJsonSchema());
  for (const kind of [
    'not_null',
    'unique',
    'accepted_values',
    'row_count',
    'relationships',
    'freshness',
    '"sql"',
  ]) {
    expect(schema).toContain(kind);
  }
});
