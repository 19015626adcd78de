import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadEnvironments, loadPipelines, parsePipeline, type PipelineSpec } from '../../config';
import { REPO_ROOT, runLocal, type LocalRunResult } from './run';

/**
 * Pipelines run on a local Spark (make local-env) with their data asserted. Expected values come from the issue's
 * specification of the sample data and from the input files, never from a job's output.
 */

const [DEV] = loadEnvironments(['dev']);
const PIPELINES = loadPipelines(REPO_ROOT);
const quiet = () => undefined;

function pipeline(name: string): PipelineSpec {
  const found = PIPELINES.find((p) => p.name === name);
  if (found === undefined) throw new Error(`no pipeline ${name}`);
  return found;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'run-local-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function distSnapshot(): string {
  // Names, sizes and modification times of dist/: local runs must leave it untouched.
  const entries: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const stat = fs.statSync(full);
        entries.push(`${full} ${stat.size} ${stat.mtimeMs}`);
      }
    }
  };
  walk(path.join(REPO_ROOT, 'dist'));
  return entries.sort().join('\n');
}

/** The CSV rows of a sample extract as objects (the files have no quoted commas). */
function csv(file: string): Record<string, string>[] {
  const [header, ...lines] = fs
    .readFileSync(path.join(REPO_ROOT, file), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
}

describe('customer-scd2-sql on a local Spark', () => {
  const warehouse = path.join(work, 'scd2-warehouse');
  const table = `delta.\`${warehouse}/customer_sql/contacts_scd2\``;
  const queries = {
    totals:
      'SELECT count(*) AS total, count_if(NOT is_current) AS expired, ' +
      'count_if(NOT is_current AND valid_to IS NOT NULL) AS expired_with_end, count_if(is_current) AS current, ' +
      `count(DISTINCT id) AS ids FROM ${table}`,
    idsWithoutOneCurrent: `SELECT id FROM ${table} GROUP BY id HAVING count_if(is_current) <> 1`,
    content: `SELECT * FROM ${table} ORDER BY id, valid_from`,
  };
  let first: LocalRunResult;
  let dist: string;

  beforeAll(async () => {
    dist = distSnapshot();
    first = await runLocal({
      env: DEV,
      pipeline: pipeline('customer-scd2-sql'),
      warehouse,
      queries,
      print: quiet,
    });
  });

  test('every job runs in DAG order and the Athena registration is skipped with its reason', () => {
    expect(first.error).toBeUndefined();
    expect(first.jobs.map((j) => [j.id, j.status])).toEqual([
      ['initial-load', 'succeeded'],
      ['delta-load', 'succeeded'],
      ['scd2-merge', 'succeeded'],
      ['scd2-merge-tests', 'succeeded'],
      ['register-table', 'skipped'],
    ]);
    expect(first.jobs[4].message).toMatch(/Athena/);
    // Rows written as Delta reports them: the two staged extracts.
    const initial = csv('etl/jobs/customer-scd2/data/contacts_initial.csv');
    const delta = csv('etl/jobs/customer-scd2/data/contacts_delta.csv');
    expect(first.jobs[0].rows).toBe(initial.length);
    expect(first.jobs[1].rows).toBe(delta.length);
  });

  test('1,192 rows, 92 expired with valid_to set, 1,100 current, one current row per id', () => {
    expect(first.queries.totals).toEqual([
      { total: 1192, expired: 92, expired_with_end: 92, current: 1100, ids: 1100 },
    ]);
    expect(first.queries.idsWithoutOneCurrent).toEqual([]);
    // The current ids are exactly the ids of both extracts.
    const ids = new Set(
      [
        ...csv('etl/jobs/customer-scd2/data/contacts_initial.csv'),
        ...csv('etl/jobs/customer-scd2/data/contacts_delta.csv'),
      ].map((row) => Number(row.id)),
    );
    expect(ids.size).toBe(1100);
    expect(new Set(first.queries.content.filter((r) => r.is_current).map((r) => r.id))).toEqual(ids);
  });

  test('a second run of the merge changes nothing', async () => {
    const again = await runLocal({
      env: DEV,
      pipeline: pipeline('customer-scd2-sql'),
      job: 'scd2-merge',
      warehouse,
      queries,
      print: quiet,
    });
    expect(again.error).toBeUndefined();
    expect(again.queries.totals).toEqual(first.queries.totals);
    expect(again.queries.content).toEqual(first.queries.content);
  });

  test('a wrong EXPECTED_ROWS fails the data tests step naming the test, the dataset and the failing row', async () => {
    const p = pipeline('customer-scd2-sql');
    const wrong: PipelineSpec = {
      ...p,
      jobs: p.jobs.map((j) =>
        j.id === 'scd2-merge' ? { ...j, parameters: { ...j.parameters, EXPECTED_ROWS: '1000' } } : j,
      ),
    };
    const run = await runLocal({ env: DEV, pipeline: wrong, job: 'scd2-merge', warehouse, print: quiet });
    expect(run.ok).toBe(false);
    expect(run.jobs.map((j) => [j.id, j.status])).toEqual([
      ['scd2-merge', 'succeeded'],
      ['scd2-merge-tests', 'failed'],
    ]);
    expect(run.error).toBe(
      "pipeline customer-scd2-sql: job 'scd2-merge-tests' failed: 1 of 10 data tests failed: 'row_count' on " +
        `${warehouse}/customer_sql/contacts_scd2: 1 row: row count not equal to 1000`,
    );
    // The failing row (the count the test found) is in the log.
    expect(fs.readFileSync(run.log, 'utf8')).toMatch(
      /'row_count' on .*: failing row 1: Row\(row_count=1192\)/,
    );
  });

  test('dist/ is untouched by local runs', () => {
    expect(distSnapshot()).toBe(dist);
  });
});

describe('data tests of every kind on a local Spark', () => {
  // A throwaway repository: a job writes orders (with a NULL customer, an unknown status, a customer that does not
  // exist, one old row) and customers; its tests run on Spark, and the job after it must not run.
  const repo = path.join(work, 'tests-repo');
  const writeSql =
    'CREATE OR REPLACE TABLE delta.`${DATALAKE}/dt/customers` USING DELTA AS\n' +
    "SELECT * FROM VALUES (10, 'Ada'), (11, 'Bo') AS c(id, name);\n" +
    'CREATE OR REPLACE TABLE delta.`${DATALAKE}/dt/orders` USING DELTA AS\n' +
    'SELECT id, customer_id, status, CAST(updated_at AS TIMESTAMP) AS updated_at FROM VALUES\n' +
    "  (1, 10, 'open', current_timestamp()),\n" +
    "  (2, 99, 'lost', TIMESTAMP '2020-01-01 00:00:00'),\n" +
    "  (3, NULL, 'open', current_timestamp()) AS o(id, customer_id, status, updated_at);\n";
  const orders = "'${DATALAKE}/dt/orders'";
  const yaml = [
    'name: tested',
    'description: d',
    'owner: data-platform',
    'jobs:',
    '  - id: write',
    '    runtime: sql',
    '    file: dt/write.sql',
    '    size: local',
    '    tests:',
    `      - { dataset: ${orders}, not_null: [customer_id] }`,
    `      - { dataset: ${orders}, unique: id }`,
    `      - { dataset: ${orders}, accepted_values: { column: status, values: [open, closed] } }`,
    `      - { dataset: ${orders}, row_count: { min: 1, max: 2 } }`,
    `      - { dataset: ${orders}, relationships: { column: customer_id, to: '\${DATALAKE}/dt/customers', field: id } }`,
    `      - { dataset: ${orders}, freshness: { column: updated_at, maxAge: 1h } }`,
    `      - { dataset: ${orders}, name: old lost orders, freshness: { column: updated_at, maxAge: 30d }, where: "status = 'lost'" }`,
    `      - { dataset: ${orders}, name: negative ids, sql: 'SELECT * FROM delta.\`\${DATALAKE}/dt/orders\` WHERE id < 0' }`,
    "      - { dataset: '${DATALAKE}/dt/customers', not_null: [id, name] }",
    '  - { id: after, runtime: sql, file: dt/after.sql, size: local, dependsOn: [write] }',
    '',
  ].join('\n');
  beforeAll(() => {
    for (const [file, content] of Object.entries({
      'etl/jobs/dt/write.sql': writeSql,
      'etl/jobs/dt/after.sql': 'SELECT 1;\n',
      'etl/pipelines/tested.yaml': yaml,
      'etl/runners/sql_runner.py': fs.readFileSync(path.join(REPO_ROOT, 'etl/runners/sql_runner.py'), 'utf8'),
    })) {
      fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      fs.writeFileSync(path.join(repo, file), content);
    }
  });

  test('the failing tests fail the step with name, dataset and count; passing ones pass; the next job waits', async () => {
    const tested = parsePipeline('etl/pipelines/tested.yaml', yaml, repo);
    const warehouse = path.join(work, 'tests-warehouse');
    const run = await runLocal({ env: DEV, pipeline: tested, repoRoot: repo, warehouse, print: quiet });
    expect(run.ok).toBe(false);
    expect(run.jobs.map((j) => [j.id, j.status])).toEqual([
      ['write', 'succeeded'],
      ['write-tests', 'failed'],
      ['after', 'not run'],
    ]);
    const on = `on ${warehouse}/dt/orders`;
    expect(run.error).toBe(
      "pipeline tested: job 'write-tests' failed: 5 of 9 data tests failed: " +
        [
          `'not_null(customer_id)' ${on}: 1 row: rows with a NULL in customer_id`,
          `'accepted_values(status)' ${on}: 1 row: rows whose status is not one of open, closed`,
          `'row_count' ${on}: 1 row: row count outside 1..2`,
          `'relationships(customer_id → id)' ${on}: 1 row: rows whose customer_id is missing from id of ${warehouse}/dt/customers`,
          `'old lost orders' ${on}: 1 row: newest updated_at older than 30d (or none at all)`,
        ].join('; '),
    );
    const log = fs.readFileSync(run.log, 'utf8');
    // Sample rows name the offending values.
    expect(log).toMatch(
      /'relationships\(customer_id → id\)' on .*: failing row 1: Row\(id=2, customer_id=99/,
    );
    expect(log).toMatch(
      /'accepted_values\(status\)' on .*: failing row 1: Row\(id=2, customer_id=99, status='lost'/,
    );
    for (const passing of ['unique(id)', 'freshness(updated_at)', 'negative ids', 'not_null(id, name)']) {
      expect(log).toContain(`'${passing}' on `);
      expect(log).toMatch(new RegExp(`'${passing.replace(/[()]/g, '\\$&')}' on [^:]*: passed`));
    }
  });
});

describe('a broken SQL file on a local Spark', () => {
  // A throwaway repository: the real SQL runner, one pipeline whose second statement is not SQL.
  const repo = path.join(work, 'broken-repo');
  // Statement 1 holds Spark's nested comment with semicolons inside (which sqlparse would split, see
  // etl/runners/test_splitter_choice.py): Spark runs it whole, so the failure is statement 2 of 2. Statement 2 parses
  // (the SQL compile step at load accepts it) and fails in Spark's analyzer, so the runner is the one that reports it.
  const sql =
    'SELECT 1 /* outer /* inner; */ still; */ AS one;\n\n-- the unknown column is on line 4\nSELECT missing_column FROM range(1);\n';
  const yaml =
    'name: broken\ndescription: d\nowner: data-platform\njobs:\n' +
    '  - { id: fails, runtime: sql, file: broken/fails.sql, size: local }\n' +
    '  - { id: after, runtime: sql, file: broken/after.sql, size: local, dependsOn: [fails] }\n';
  beforeAll(() => {
    for (const [file, content] of Object.entries({
      'etl/jobs/broken/fails.sql': sql,
      'etl/jobs/broken/typo.sql': 'SELECT 1;\n\n-- the typo is on line 4\nSELEC 2 AS two;\n',
      'etl/jobs/broken/after.sql': 'SELECT 3;\n',
      'etl/jobs/broken/unset.sql': 'SELECT 1;\nSELECT ${NOT_GIVEN};\n',
      'etl/pipelines/broken.yaml': yaml,
      'etl/runners/sql_runner.py': fs.readFileSync(path.join(REPO_ROOT, 'etl/runners/sql_runner.py'), 'utf8'),
    })) {
      fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      fs.writeFileSync(path.join(repo, file), content);
    }
  });

  test('a statement Spark rejects fails with the pipeline, the job, the file and the line; later jobs do not run', async () => {
    const broken = parsePipeline('etl/pipelines/broken.yaml', yaml, repo);
    const run = await runLocal({
      env: DEV,
      pipeline: broken,
      repoRoot: repo,
      warehouse: path.join(work, 'broken-warehouse'),
      print: quiet,
    });
    expect(run.ok).toBe(false);
    expect(run.error).toMatch(
      /^pipeline broken: job 'fails' failed: etl\/jobs\/broken\/fails\.sql: statement 2\/2 \(line 4\)/,
    );
    expect(run.error).toMatch(/UNRESOLVED_COLUMN/);
    expect(run.jobs.map((j) => j.status)).toEqual(['failed', 'not run']);
  });

  test('a syntax error fails when the pipeline is loaded, before any Spark, with the file, line and column', () => {
    // The SQL compile step of the loader (the same as make synth's) parses every statement with a Spark SQL grammar.
    const typo =
      'name: typo\ndescription: d\nowner: data-platform\njobs:\n  - { id: t, runtime: sql, file: broken/typo.sql, size: local }\n';
    expect(() => parsePipeline('etl/pipelines/typo.yaml', typo, repo)).toThrow(
      /etl\/jobs\/broken\/typo\.sql: line 4, column 1: SQL syntax error: 'SELEC'/,
    );
  });

  test('a missing parameter fails when the pipeline is loaded, before any Spark, with the file, line and fix', () => {
    // make run-local loads pipelines with the same loader as synth, which checks every ${NAME} a SQL file uses.
    const unset =
      'name: unset\ndescription: d\nowner: data-platform\njobs:\n  - { id: u, runtime: sql, file: broken/unset.sql, size: local }\n';
    expect(() => parsePipeline('etl/pipelines/unset.yaml', unset, repo)).toThrow(
      /'broken\/unset\.sql' uses \$\{NOT_GIVEN\} \(line 2 of etl\/jobs\/broken\/unset\.sql\).*add NOT_GIVEN: <value>/,
    );
  });
});

describe('word-count on a local Spark', () => {
  test('counts every word of the sample text as an independent count of the file does', async () => {
    const warehouse = path.join(work, 'wc-warehouse');
    const run = await runLocal({
      env: DEV,
      pipeline: pipeline('word-count'),
      warehouse,
      queries: { counts: `SELECT word, count FROM parquet.\`${warehouse}/word_count\`` },
      print: quiet,
    });
    expect(run.error).toBeUndefined();
    const text = fs.readFileSync(path.join(REPO_ROOT, 'etl/jobs/word-count/data/sample.txt'), 'utf8');
    const expected = new Map<string, number>();
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []) {
      expected.set(word, (expected.get(word) ?? 0) + 1);
    }
    const actual = new Map(run.queries.counts.map((r) => [r.word as string, r.count as number]));
    expect(actual).toEqual(expected);
    expect(expected.get('the')).toBeGreaterThan(3);
  });
});
