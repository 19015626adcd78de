import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../test-support/temp-repo';
import { loadEnvironments } from '../shipped';
import { lintArcJob, type ArcJobInput } from './arc-lint';
import { ARC_MAGICS } from './arc-stages';
import { loadPipelines } from './load';

const FILE = 'etl/jobs/demo/job.ipynb';
let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'arc-lint-'));
  fs.mkdirSync(path.join(root, 'etl/jobs/demo/schemas'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'etl/jobs/demo/merge.sql'),
    'SELECT * FROM t WHERE d = ${day} AND x = ${mode}\n',
  );
  fs.writeFileSync(path.join(root, 'etl/jobs/demo/schemas/contacts.json'), '[]\n');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A notebook of the Arc kernel with these code cells (and a markdown cell first, so cell indexes start at 1). */
function notebook(...cells: string[]): string {
  return JSON.stringify({
    cells: [
      { cell_type: 'markdown', source: ['# Demo'] },
      ...cells.map((c) => ({ cell_type: 'code', source: c.split(/(?<=\n)/) })),
    ],
    metadata: { kernelspec: { name: 'arc', display_name: 'Arc', language: 'javascript' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

function lint(text: string, overrides: Partial<ArcJobInput> = {}): string[] {
  return lintArcJob({
    repoRoot: root,
    file: FILE,
    text,
    parameters: { SOURCE: 's3a://bucket/in/*.csv' },
    environments: ['production'],
    environmentReason: "job 'load' sets environment: production",
    context: "run by job 'load' of etl/pipelines/demo.yaml",
    ...overrides,
  });
}

const EXTRACT = `{
  "type": "DelimitedExtract",
  "name": "Read",
  "environments": ["production", "test"],
  "inputURI": \${ETL_CONF_SOURCE},
  "outputView": "raw"
}`;
const LOAD = `{
  "type": "DeltaLakeLoad",
  "name": "Write",
  "environments": ["production", "test"],
  "inputView": "typed",
  "outputURI": \${ETL_CONF_DATALAKE}"/demo/typed"
}`;
const GATE =
  '%sqlvalidate name="Check" environments=production,test\nSELECT count(*) > 0 AS valid, \'{}\' AS message FROM raw';

describe('valid Arc jobs', () => {
  test('a notebook with stage cells, magics and runtime parameters has no problems', () => {
    expect(
      lint(
        notebook(
          '%env ETL_CONF_LOCAL=1',
          EXTRACT,
          '%sql name="Type" outputView=typed environments=production,test sqlParams=dl=${ETL_CONF_DATALAKE}\nSELECT * FROM raw -- ${dl}',
          GATE,
          LOAD,
          '%schema typed',
        ),
      ),
    ).toEqual([]);
  });

  test('a HOCON job file with comments, unquoted keys and optional substitutions has no problems', () => {
    const job = `# demo\n{\n  stages: [\n    ${EXTRACT},\n    { type: ai.tripl.arc.load.DeltaLakeLoad, name: Write, environments: [production], inputView: raw, outputURI: \${?ETL_CONF_TARGET} }\n  ]\n}\n`;
    expect(lint(job, { file: 'etl/jobs/demo/job.conf' })).toEqual([]);
  });

  test('every sample pipeline lints clean, with and without an environment', () => {
    expect(() => loadPipelines(REPO_ROOT)).not.toThrow();
    for (const env of loadEnvironments()) expect(() => loadPipelines(REPO_ROOT, env)).not.toThrow();
  });
});

describe('notebook problems', () => {
  test('a misspelt %sqlvalidate names the cell, the magic, the fix and the silent consequence', () => {
    const [problem, ...rest] = lint(notebook(EXTRACT, GATE.replace('%sqlvalidate', '%sqlvaildate')));
    expect(rest).toEqual([]);
    expect(problem).toBe(
      `${FILE}: cell 2: magic '%sqlvaildate' is unknown; did you mean '%sqlvalidate'? Arc would run the cell as ` +
        `plain SQL and never fail on it (known magics: ${Object.keys(ARC_MAGICS).join(', ')}) ` +
        "(run by job 'load' of etl/pipelines/demo.yaml)",
    );
  });

  test('an unknown magic without a stage prefix is ignored by Arc, and says so', () => {
    expect(lint(notebook('%schemaa raw'))).toEqual([
      expect.stringMatching(
        /cell 1: magic '%schemaa' is unknown; did you mean '%schema'\? Arc would ignore the cell/,
      ),
    ]);
  });

  test('a magic stage without environments= is skipped by Arc', () => {
    expect(lint(notebook('%sql name="Type" outputView=typed\nSELECT 1'))).toEqual([
      expect.stringMatching(
        /cell 1: %sql stage 'Type' has no environments= argument, .*silently skips it; add environments=production/,
      ),
    ]);
  });

  test("environments that miss the job's environment name it and the reason", () => {
    const problems = lint(notebook(EXTRACT.replace('"production", ', ''), GATE.replace('production,', '')));
    expect(problems).toEqual([
      expect.stringMatching(
        /cell 1: stage 'Read' \(DelimitedExtract\): environments \["test"\] does not include 'production', the Arc environment the job runs in \(job 'load' sets environment: production\), so Arc would silently skip the stage/,
      ),
      expect.stringMatching(
        /cell 2: %sqlvalidate stage 'Check': environments=test does not include 'production'/,
      ),
    ]);
  });

  test('%sql without outputView, with a misspelt argument, or without SQL', () => {
    const problems = lint(notebook('%sql name="Type" environments=production outputview=typed'));
    expect(problems).toEqual([
      expect.stringMatching(/cell 1: %sql stage 'Type' has no outputView= argument/),
      expect.stringMatching(/cell 1: %sql stage 'Type' has no SQL after the magic line/),
      expect.stringMatching(
        /argument 'outputview' is not one Arc reads from a magic line, so Arc passes it on as a stage attribute "outputview", which SQLTransform does not have: Arc rejects the job; did you mean 'outputView'\?/,
      ),
    ]);
  });

  test('a ${ETL_CONF_…} nothing supplies names the parameter to add, and %env does not count', () => {
    const problems = lint(
      notebook('%env ETL_CONF_TARGET=s3a://x', LOAD.replace('ETL_CONF_DATALAKE', 'ETL_CONF_TARGET')),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /cell 2: \$\{ETL_CONF_TARGET\} \(line 6\) is supplied by nothing: .* add TARGET: <value> under the job's or the pipeline's parameters .*\(the %env in cell 1 sets it inside Jupyter only; jobs ignore %env\)/,
      ),
    ]);
    expect(
      lint(notebook(LOAD.replace('ETL_CONF_DATALAKE', 'ETL_CONF_TARGET')), {
        parameters: { ETL_CONF_TARGET: 'x' },
      }),
    ).toEqual([]);
    expect(lint(notebook(LOAD.replace('ETL_CONF_DATALAKE', 'DATALAKE')))).toEqual([
      expect.stringMatching(
        /\$\{DATALAKE\} \(line 6\) is not defined in the job, .*did you mean \$\{ETL_CONF_DATALAKE\}\?/,
      ),
    ]);
  });

  test('SQL parameters: undeclared ${x}, job parameters used directly, and values Arc quotes', () => {
    const problems = lint(
      notebook(
        '%sql name="Type" outputView=t environments=production sqlParams=p=prefix-${ETL_CONF_SOURCE}\nSELECT ${x}, ${ETL_CONF_DATALAKE}, ${spark.sql.ignored}, ${p}',
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(/sqlParams p=prefix-\$\{ETL_CONF_SOURCE\} is quoted verbatim by Arc/),
      expect.stringMatching(
        /the SQL uses \$\{x\} \(line 1 of the cell\), but sqlParams does not declare x; Arc fails the job/,
      ),
      expect.stringMatching(
        /the SQL uses \$\{ETL_CONF_DATALAKE\} .*only Jupyter does.* add sqlParams=datalake=\$\{ETL_CONF_DATALAKE\} and write \$\{datalake\}/,
      ),
    ]);
  });

  test('a stage cell with a HOCON syntax error names the line of the cell', () => {
    expect(lint(notebook('{\n  "type": "SQLTransform",\n  "name": "x"\n  "sql": "SELECT 1"\n'))).toEqual([
      expect.stringMatching(
        /cell 1: line \d+, column \d+ of the cell: HOCON syntax error: .*; a cell without a magic holds one stage object/,
      ),
    ]);
  });

  test('a notebook of another kernel, invalid JSON, and an include', () => {
    const python = JSON.stringify({
      cells: [{ cell_type: 'code', source: ['{}'] }],
      metadata: { kernelspec: { name: 'python3' } },
    });
    expect(lint(python)).toEqual([
      expect.stringMatching(
        /metadata\.kernelspec\.name: 'python3': Arc runs only notebooks of its own kernel/,
      ),
    ]);
    expect(lint('{"cells": [')).toEqual([expect.stringMatching(/\(top level\): is not valid notebook JSON/)]);
    expect(lint(notebook('include "other.conf"'))).toContainEqual(
      expect.stringMatching(/cell 1: line 1: include is not supported/),
    );
  });

  test('plugins must list the environment too', () => {
    expect(
      lint(notebook('%lifecycleplugin\n{ "type": "DataFramePrinter", "environments": ["test"] }')),
    ).toEqual([
      expect.stringMatching(
        /cell 1 \(%lifecycleplugin plugin 0\): lifecycle plugin 'DataFramePrinter': environments \["test"\] does not include 'production'/,
      ),
    ]);
  });
});

describe('stage problems', () => {
  test('an unknown type suggests the closest, a plugin class is accepted', () => {
    expect(lint(notebook(EXTRACT.replace('DelimitedExtract', 'DelimitedExtrakt')))).toEqual([
      expect.stringMatching(
        /cell 1: type 'DelimitedExtrakt' is not an Arc stage type; did you mean 'DelimitedExtract'\?/,
      ),
    ]);
    expect(lint(notebook(EXTRACT.replace('DelimitedExtract', 'com.example.MyExtract:1.0.0')))).toEqual([]);
  });

  test('missing type, name, environments and required attributes', () => {
    expect(lint(notebook('{ "name": "x", "environments": ["production"] }'))).toEqual([
      expect.stringMatching(/cell 1: stage 'x' has no type; set "type"/),
    ]);
    expect(
      lint(
        notebook(
          '{ "type": "TypingTransform", "inputView": "a", "outputView": "b", "schemaURI": "s3a://b/s.json", "schemaView": "v" }',
        ),
      ),
    ).toEqual([
      expect.stringMatching(/stage \(TypingTransform\) has no name/),
      expect.stringMatching(
        /stage \(TypingTransform\) has no environments, so Arc silently skips it; add "environments": \["production"\]/,
      ),
      expect.stringMatching(/sets 'schemaURI' and 'schemaView'; TypingTransform takes only one of them/),
    ]);
    expect(
      lint(
        notebook(LOAD.replace('"inputView": "typed",', '').replace('DeltaLakeLoad', 'DeltaLakeMergeLoad')),
      ),
    ).toEqual([
      expect.stringMatching(
        /stage 'Write' \(DeltaLakeMergeLoad\): type DeltaLakeMergeLoad was removed in the Delta Lake plugin 3\.x/,
      ),
    ]);
  });

  test('a misspelt attribute of a known type', () => {
    expect(lint(notebook(EXTRACT.replace('outputView', 'outputview')))).toEqual([
      expect.stringMatching(/has no 'outputView'; DelimitedExtract requires it/),
      expect.stringMatching(
        /attribute 'outputview' is not one DelimitedExtract declares, and Arc rejects the job on it \("Invalid attribute"\); did you mean 'outputView'\?/,
      ),
    ]);
  });

  test('a relative schema or SQL path suggests an asset parameter; an asset SQL file must get its sqlParams', () => {
    const typing =
      '{ "type": "TypingTransform", "name": "T", "environments": ["production"], "inputView": "a", "outputView": "b", "schemaURI": "schemas/contacts.json" }';
    expect(lint(notebook(typing))).toEqual([
      expect.stringMatching(
        /schemaURI 'schemas\/contacts\.json' is a path, not a URI.* add SCHEMA_FILE: asset:jobs\/demo\/schemas\/contacts\.json to the job's parameters and write "schemaURI": \$\{ETL_CONF_SCHEMA_FILE\}/,
      ),
    ]);
    expect(lint(notebook(typing.replace('schemas/contacts.json', 'schemas/missing.json')))).toEqual([
      expect.stringMatching(
        /no file etl\/jobs\/demo\/schemas\/missing\.json or etl\/jobs\/schemas\/missing\.json exists either/,
      ),
    ]);
    const merge =
      '{ "type": "SQLTransform", "name": "M", "environments": ["production"], "inputURI": ${ETL_CONF_MERGE_SQL}, "outputView": "m", "sqlParams": { "day": "1" } }';
    expect(lint(notebook(merge), { parameters: { MERGE_SQL: 'asset:jobs/demo/merge.sql' } })).toEqual([
      expect.stringMatching(
        /the SQL uses \$\{mode\} \(line 1 of etl\/jobs\/demo\/merge\.sql\), but sqlParams does not declare mode/,
      ),
    ]);
  });
});

describe('job files', () => {
  const conf = 'etl/jobs/demo/job.conf';

  test('missing stages, a syntax error and an unsupplied parameter name the file and place', () => {
    expect(lint('{ "stage": [] }', { file: conf })).toEqual([
      expect.stringMatching(/job\.conf: stages: missing; .*\(found 'stage'\)/),
    ]);
    expect(lint('{ "stages": [ { "type": "SQLTransform" ', { file: conf })).toEqual([
      expect.stringMatching(/job\.conf: \(top level\): line 1, column \d+: HOCON syntax error: /),
    ]);
    expect(lint(`{ "stages": [ ${EXTRACT.replace('SOURCE', 'INPUT')} ] }`, { file: conf })).toEqual([
      expect.stringMatching(
        /job\.conf: \(top level\): \$\{ETL_CONF_INPUT\} \(line 5\) is supplied by nothing/,
      ),
    ]);
    expect(
      lint(`{ "stages": [ ${EXTRACT}, ${LOAD.replace('"production", ', '')} ] }`, { file: conf }),
    ).toEqual([
      expect.stringMatching(
        /job\.conf: stages\[1\]: stage 'Write' \(DeltaLakeLoad\): environments \["test"\] does not include 'production'/,
      ),
    ]);
  });

  test('a self-reference inside the job file is not a parameter', () => {
    expect(
      lint(`{ "root": "s3a://b", "stages": [ ${LOAD.replace('${ETL_CONF_DATALAKE}', '${root}')} ] }`, {
        file: conf,
      }),
    ).toEqual([]);
  });
});
