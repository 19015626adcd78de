import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadPipelines, type JobSpec, RUNTIME_PARAMETER_NAMES } from '../../config';

/**
 * The sample pipelines' Arc notebooks, read the way Arc turns a notebook into a job: code cells only; `%sql` and
 * `%sqlvalidate` cells become SQLTransform/SQLValidate stages, cells without a magic are stage objects (HOCON), other
 * magics (`%env`, `%conf`) are ignored when the job runs.
 */

const REPO_ROOT = path.resolve(__dirname, '../..');
const pipelines = loadPipelines(REPO_ROOT);
const arcJobs = pipelines.flatMap((p) =>
  p.jobs.filter((j) => j.runtime === 'arc').map((job) => ({ p, job })),
);

interface Cell {
  readonly magic: string | undefined;
  readonly args: Record<string, string>;
  readonly body: string;
}

/** Arc's magic-line arguments: `key=value` separated by spaces outside double quotes, quotes stripped. */
function magicArgs(line: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const token of line.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []) {
    const eq = token.indexOf('=');
    if (token.startsWith('%') || eq <= 0) continue;
    args[token.slice(0, eq)] = token.slice(eq + 1).replace(/^"|"$/g, '');
  }
  return args;
}

function codeCells(file: string): Cell[] {
  const notebook = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'etl/jobs', file), 'utf8')) as {
    metadata: { kernelspec: { name: string } };
    cells: { cell_type: string; source: string[] }[];
  };
  expect(notebook.metadata.kernelspec.name, `${file}: Arc runs only notebooks of its kernel`).toBe('arc');
  return notebook.cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => c.source.join('').trim())
    .filter((text) => text !== '')
    .map((text) => {
      const [first, ...rest] = text.split('\n');
      const magic = first.startsWith('%') ? first.split(/\s/)[0] : undefined;
      return { magic, args: magic ? magicArgs(first) : {}, body: magic ? rest.join('\n') : text };
    });
}

/** `${ETL_CONF_X}` references must be supplied: by the job's parameters (arc prefixes them) or by the runtime. */
function supplied(job: JobSpec, reference: string): boolean {
  const bare = reference.replace(/^ETL_CONF_/, '');
  return (
    bare in job.parameters || `ETL_CONF_${bare}` in job.parameters || RUNTIME_PARAMETER_NAMES.includes(bare)
  );
}

/**
 * A stage cell as JSON: HOCON substitutions and their concatenations (`${ETL_CONF_X}`, `${ETL_CONF_X}"/path"`,
 * `${ETL_CONF_X}"/"${ETL_CONF_Y}`) become one string each, `<ETL_CONF_X>/path`.
 */
function stageObject(body: string): Record<string, unknown> {
  const json = body.replace(/(?:\$\{ETL_CONF_\w+\}(?:"[^"]*")?)+/g, (value) =>
    JSON.stringify(value.replace(/\$\{(ETL_CONF_\w+)\}/g, '<$1>').replaceAll('"', '')),
  );
  return JSON.parse(json) as Record<string, unknown>;
}

describe('sample pipelines', () => {
  test('all four load with the pipeline loader', () => {
    expect(pipelines.map((p) => p.name).sort()).toEqual([
      'customer-scd2',
      'customer-scd2-sql',
      'nyc-taxi',
      'word-count',
    ]);
    const scd2 = pipelines.find((p) => p.name === 'customer-scd2')!;
    expect(scd2.jobs.map((j) => [j.id, j.dependsOn])).toEqual([
      ['initial-load', []],
      ['delta-load', []],
      ['scd2-merge', ['initial-load', 'delta-load']],
      ['register-table', ['scd2-merge']],
    ]);
    const wordCount = pipelines.find((p) => p.name === 'word-count')!.jobs[0];
    expect(wordCount.resources.executor).toMatchObject({ minInstances: 1, maxInstances: 20 });
  });

  test.each(arcJobs.map(({ p, job }) => [`${p.name}/${job.id}`, job] as const))(
    '%s: every stage runs in the job environment and every parameter is supplied',
    (_, job) => {
      const environment = job.arcEnvironment;
      expect(environment, 'the samples pin the Arc environment').toBe('production');
      const cells = codeCells(job.files[0]);
      const stages = cells.filter((c) => c.magic === undefined || /^%(sql|sqlvalidate)$/.test(c.magic));
      expect(stages.length).toBeGreaterThan(2);
      expect(
        cells.some((c) => c.magic === '%sqlvalidate'),
        'a quality gate',
      ).toBe(true);
      for (const cell of stages) {
        const where = `${job.files[0]}: ${cell.magic ?? 'stage'} ${cell.args.name ?? cell.body.slice(0, 60)}`;
        const references = [
          ...(cell.magic ? (cell.args.sqlParams ?? '') : cell.body).matchAll(/\$\{(\w+)\}/g),
        ];
        for (const [, name] of references) expect(supplied(job, name), `${where}: \${${name}}`).toBe(true);
        if (cell.magic === undefined) {
          const stage = stageObject(cell.body);
          // Arc skips a stage whose environments do not list the job's environment, without failing.
          expect(stage.environments, where).toContain(environment);
          expect(stage.type, where).toMatch(
            /^(DelimitedExtract|ParquetExtract|DeltaLakeExtract|DeltaLakeLoad)$/,
          );
          continue;
        }
        expect(cell.args.environments?.split(','), where).toContain(environment);
        expect(cell.args.name, where).toMatch(/\S/);
        if (cell.magic === '%sql')
          expect(cell.args.outputView, `${where}: SQLTransform needs a view`).toMatch(/^\w+$/);
        // SQL placeholders are Arc sqlParams, declared on the magic line.
        const declared = (cell.args.sqlParams ?? '')
          .split(',')
          .filter((pair) => pair !== '')
          .map((pair) => pair.split('=')[0]);
        for (const [, name] of cell.body.matchAll(/\$\{(\w+)\}/g)) {
          expect(declared, `${where}: \${${name}} needs sqlParams`).toContain(name);
        }
      }
    },
  );

  test('nyc-taxi reads its trips from the data lake (the public TLC bucket no longer serves listings)', () => {
    const nyc = pipelines.find((p) => p.name === 'nyc-taxi')!;
    const job = nyc.jobs[0];
    const extract = codeCells(job.files[0])
      .filter((c) => c.magic === undefined)
      .map((c) => stageObject(c.body))
      .find((stage) => stage.type === 'ParquetExtract')!;
    expect(extract.inputURI).toBe('<ETL_CONF_DATALAKE>/<ETL_CONF_NYC_TAXI_SOURCE>');
    // The source is a path inside the lake, and no sparkConf reads any bucket anonymously.
    expect(nyc.parameters.NYC_TAXI_SOURCE).toMatch(/^raw\/nyc-tlc\/[^:]*\.parquet$/);
    expect(JSON.stringify(job.sparkConf)).not.toMatch(/Anonymous|nyc-tlc/);
  });

  test('scd2_merge ends with a gate on the expected sample totals', () => {
    const cells = codeCells('customer-scd2/scd2_merge.ipynb');
    const last = cells[cells.length - 1];
    expect(last.magic).toBe('%sqlvalidate');
    expect(last.body).toContain('count(*) = ${expected_rows}');
    const job = pipelines.find((p) => p.name === 'customer-scd2')!.jobs.find((j) => j.id === 'scd2-merge')!;
    expect(job.parameters).toMatchObject({ EXPECTED_ROWS: '1192', EXPECTED_EXPIRED: '92' });
  });
});
