import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { REPO_ROOT, TempRepo } from '../../test-support/temp-repo';
import { loadEnvironments } from '../shipped';
import { PipelineError, loadPipelines, parsePipeline } from './load';
import type { PipelineSpec } from './model';
import { RUNTIME_PARAMETER_NAMES } from './runtime-parameters';

const dev = loadEnvironments(['dev'])[0];

const PIPELINE_FILE = 'etl/pipelines/customer-dim.yaml';
const CSV = 'id,name\n1,Ada\n';

/** Job files the base pipeline needs (paths relative to the repository root). */
const JOB_FILES: Record<string, string> = {
  'etl/jobs/customer-dim/initial_load.ipynb':
    '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
  'etl/jobs/customer-dim/delta_load.ipynb':
    '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
  'etl/jobs/customer-dim/data/contacts_initial.csv': CSV,
  'etl/jobs/customer-dim-sql/01_stage.sql':
    "CREATE OR REPLACE TEMP VIEW stage AS SELECT * FROM delta.`${DATALAKE}/contacts` WHERE kind = '${LOAD_TYPE}';\n",
  'etl/jobs/customer-dim-sql/02_merge.sql':
    'MERGE INTO ${GLUE_DATABASE}.customer_dim t USING stage s ON t.id = s.id -- ${spark.sql.ignored}\n' +
    'WHEN MATCHED THEN UPDATE SET *;\n',
  'etl/jobs/customer-dim/word_count.py': 'print("count")\n',
};

/** The valid pipeline every bad case starts from. */
function basePipeline() {
  return {
    name: 'customer-dim',
    description: 'Customer contacts as a slowly changing dimension',
    owner: 'data-platform',
    tags: { domain: 'customer' },
    schedule: { cron: '30 2 * * *', timezone: 'Europe/Berlin' },
    parameters: { CONTACTS_INITIAL: 'asset:jobs/customer-dim/data/contacts_initial.csv' } as Record<
      string,
      unknown
    >,
    jobs: [
      { id: 'initial-load', runtime: 'arc', file: 'customer-dim/initial_load.ipynb' } as Record<
        string,
        unknown
      >,
      {
        id: 'delta-load',
        runtime: 'arc',
        file: 'customer-dim/delta_load.ipynb',
        size: 'medium',
        environment: 'production',
        sparkConf: { 'spark.sql.shuffle.partitions': 64 },
        parameters: { ETL_CONF_LOAD_TYPE: 'delta' },
        retries: 0,
        timeout: '90m',
        dependsOn: ['initial-load'],
      } as Record<string, unknown>,
      {
        id: 'merge',
        runtime: 'sql',
        files: ['customer-dim-sql/01_stage.sql', 'customer-dim-sql/02_merge.sql'],
        resources: {
          driver: { cores: 1, memory: '2g' },
          executor: { cores: 2, memory: '4g', maxInstances: 10 },
          localStorage: '30Gi',
        },
        parameters: { LOAD_TYPE: 'delta' },
        dependsOn: ['delta-load'],
      } as Record<string, unknown>,
    ],
  };
}

type Pipeline = ReturnType<typeof basePipeline>;

function yamlOf(pipeline: unknown): string {
  return `# yaml-language-server: $schema=../pipeline.schema.json\n${stringify(pipeline)}`;
}

function changed(edit: (p: Pipeline) => void): string {
  const pipeline = basePipeline();
  edit(pipeline);
  return yamlOf(pipeline);
}

/** A broken pipeline: the YAML, extra or replaced files (null deletes), where the message points and the fix. */
interface BadPipeline {
  readonly title: string;
  readonly yaml: string;
  /** Pipeline file the YAML is written to. @default PIPELINE_FILE */
  readonly file?: string;
  readonly files?: Readonly<Record<string, string | null>>;
  /** Text right after `<file>: ` in the message, e.g. 'field jobs[2].dependsOn[0]'. */
  readonly at: string;
  /** The file the message names. @default the pipeline file */
  readonly reportedFile?: string;
  readonly says: RegExp;
  /** Also run through `make synth` in a copy of the repository. */
  readonly e2e?: boolean;
}

const CASES: BadPipeline[] = [
  {
    title: 'broken YAML indentation',
    yaml: yamlOf(basePipeline()).replace(
      '    runtime: arc\n    file: customer-dim/initial',
      '   runtime: arc\n    file: customer-dim/initial',
    ),
    at: 'line 14, column 1: YAML syntax error',
    says: /Sequence item without - indicator; check the indentation \(items of one list or mapping start in the same column/,
    e2e: true,
  },
  {
    title: 'a key written twice',
    yaml: yamlOf(basePipeline()).replace(
      'owner: data-platform\n',
      'owner: data-platform\nowner: analytics\n',
    ),
    at: 'line 5, column 1: YAML syntax error',
    says: /remove or rename one of the two keys/,
  },
  {
    title: 'a misspelt field',
    yaml: changed((p) => {
      p.jobs[1].depends_on = p.jobs[1].dependsOn;
      delete p.jobs[1].dependsOn;
    }),
    at: 'field jobs[1].depends_on',
    says: /unknown field; did you mean 'dependsOn'\? Allowed fields here are: id, runtime, file, files, size/,
    e2e: true,
  },
  {
    title: 'a value with an unquoted colon',
    yaml: changed((p) => (p.description = 'Customers: the dimension')).replace(
      '"Customers: the dimension"',
      'Customers: the dimension',
    ),
    at: 'line 3, column 14: YAML syntax error',
    says: /quote the value, it contains ': '/,
  },
  {
    title: 'an empty file',
    yaml: '# yaml-language-server: $schema=../pipeline.schema.json\n',
    at: 'field (top level)',
    says: /the file is empty; start with name: customer-dim, description:, owner: and jobs:/,
  },
  {
    title: 'a missing owner',
    yaml: changed((p) => delete (p as Partial<Pipeline>).owner),
    at: 'field owner',
    says: /missing; add the owning team, e.g\. owner: data-platform/,
  },
  {
    title: 'a name that differs from the file',
    yaml: changed((p) => (p.name = 'customer-dimension')),
    at: 'field name',
    says: /'customer-dimension' does not match the file name; set name: customer-dim or rename the file/,
    e2e: true,
  },
  {
    title: 'a name that is not a DNS label',
    yaml: changed((p) => (p.name = 'customer_dim')),
    file: 'etl/pipelines/customer_dim.yaml',
    at: 'field name',
    says: /'customer_dim' is not allowed: use lowercase letters, digits and '-'/,
  },
  {
    title: 'a duplicate job id',
    yaml: changed((p) => (p.jobs[2].id = 'initial-load')),
    at: 'field jobs[2].id',
    says: /'initial-load' is already the id of jobs\[0\]; job ids must be unique in a pipeline, rename one/,
  },
  {
    title: 'a dependency on an unknown job',
    yaml: changed((p) => (p.jobs[2].dependsOn = ['delta-lod'])),
    at: 'field jobs[2].dependsOn[0]',
    says: /'delta-lod' is not a job of this pipeline; did you mean 'delta-load'\? defined jobs are: initial-load, delta-load, merge/,
    e2e: true,
  },
  {
    title: 'a job that depends on itself',
    yaml: changed((p) => (p.jobs[0].dependsOn = ['initial-load'])),
    at: 'field jobs[0].dependsOn[0]',
    says: /'initial-load' is the job itself; remove it/,
  },
  {
    title: 'a dependency cycle',
    yaml: changed((p) => (p.jobs[0].dependsOn = ['merge'])),
    at: 'field jobs[0].dependsOn[0]',
    says: /dependency cycle \(→ means 'depends on'\): initial-load → merge → delta-load → initial-load; remove one of these dependencies/,
    e2e: true,
  },
  {
    title: 'a missing job file',
    yaml: changed((p) => (p.jobs[0].file = 'customer-dim/initial_lod.ipynb')),
    at: 'field jobs[0].file',
    says: /looked for etl\/jobs\/customer-dim\/initial_lod\.ipynb; that folder has delta_load\.ipynb, initial_load\.ipynb; create the file or fix the path/,
    e2e: true,
  },
  {
    title: 'a file type the runtime cannot run',
    yaml: changed(
      (p) => (p.jobs[0] = { id: 'initial-load', runtime: 'pyspark', file: 'customer-dim-sql/01_stage.sql' }),
    ),
    at: 'field jobs[0].file',
    says: /is not a pyspark job file; a pyspark job runs \.py files \(for this file use runtime: sql\)/,
    e2e: true,
  },
  {
    title: 'several files for an arc job',
    yaml: changed((p) => {
      delete p.jobs[0].file;
      p.jobs[0].files = ['customer-dim/initial_load.ipynb', 'customer-dim/delta_load.ipynb'];
    }),
    at: 'field jobs[0].files',
    says: /lists 2 files, but an arc job runs exactly one; use file: <path>/,
  },
  {
    title: 'a job without a file',
    yaml: changed((p) => delete p.jobs[0].file),
    at: 'field jobs[0].file',
    says: /missing; add the job's file, relative to etl\/jobs\/ \(e\.g\. file: my-job\/initial-load\.ipynb\)/,
  },
  {
    title: 'an invalid cron expression',
    yaml: changed((p) => (p.schedule.cron = '61 2 * * *')),
    at: 'field schedule.cron',
    says: /'61 2 \* \* \*' is not a valid cron expression \(Constraint error, got value 61 expected range 0-59\); write minute hour/,
    e2e: true,
  },
  {
    title: 'a cron expression with seconds',
    yaml: changed((p) => (p.schedule.cron = '0 30 2 * * *')),
    at: 'field schedule.cron',
    says: /has 6 fields; write five: minute hour day-of-month month day-of-week/,
  },
  {
    title: 'a cron extension Argo does not support',
    yaml: changed((p) => (p.schedule.cron = '0 2 L * *')),
    at: 'field schedule.cron',
    says: /cron extension \(L, W, # or H\) that Argo's scheduler does not support/,
  },
  {
    title: 'an unknown time zone',
    yaml: changed((p) => (p.schedule.timezone = 'Europe/Berln')),
    at: 'field schedule.timezone',
    says: /'Europe\/Berln' is not a time zone; use an IANA time zone name, e\.g\. UTC, Europe\/Berlin/,
    e2e: true,
  },
  {
    title: 'a time zone in the wrong case',
    yaml: changed((p) => (p.schedule.timezone = 'europe/berlin')),
    at: 'field schedule.timezone',
    says: /not spelt as in the IANA database; write 'Europe\/Berlin'/,
  },
  {
    title: 'both size and resources',
    yaml: changed((p) => (p.jobs[2].size = 'large')),
    at: 'field jobs[2].size',
    says: /'large' is given together with resources; keep one/,
    e2e: true,
  },
  {
    title: 'an unknown size',
    yaml: changed((p) => (p.jobs[1].size = 'huge')),
    at: 'field jobs[1].size',
    says: /'huge' is not allowed: use one of small, medium, large, local/,
  },
  {
    title: 'an unknown runtime',
    yaml: changed((p) => (p.jobs[2].runtime = 'spark-sql')),
    at: 'field jobs[2].runtime',
    says: /'spark-sql' is not allowed: use one of arc, sql, pyspark/,
  },
  {
    title: 'an asset parameter pointing at a missing file',
    yaml: changed((p) => (p.parameters.CONTACTS_INITIAL = 'asset:jobs/customer-dim/data/contacts.csv')),
    at: 'field parameters.CONTACTS_INITIAL',
    says: /points at etl\/jobs\/customer-dim\/data\/contacts\.csv, which does not exist; create it or fix the path/,
    e2e: true,
  },
  {
    title: 'an asset parameter outside the uploaded folders',
    yaml: changed((p) => (p.jobs[1].parameters = { SEED: 'asset:data/seed.csv' })),
    files: { 'etl/data/seed.csv': CSV },
    at: 'field jobs[1].parameters.SEED',
    says: /points at etl\/data\/seed\.csv, which is not uploaded \(only etl\/jobs and etl\/runners are\); move the file there/,
  },
  {
    title: 'a SQL placeholder nothing supplies',
    yaml: yamlOf(basePipeline()),
    files: {
      'etl/jobs/customer-dim-sql/02_merge.sql': 'SELECT 1;\nDELETE FROM t WHERE day < ${RETAIN_DATE};\n',
    },
    at: 'field jobs[2].files[1]',
    says: /uses \$\{RETAIN_DATE\} \(line 2 of etl\/jobs\/customer-dim-sql\/02_merge\.sql\), which neither the pipeline, the job nor the runtime supplies; add RETAIN_DATE: <value>/,
    e2e: true,
  },
  {
    title: 'a parameter that shadows a runtime parameter',
    yaml: changed((p) => (p.jobs[2].parameters = { LOAD_TYPE: 'delta', ENV: 'prod' })),
    at: 'field jobs[2].parameters.ENV',
    says: /key 'ENV' is supplied by the runtime for every job; use it without declaring it, or pick another name/,
  },
  {
    title: 'two files with the same pipeline name',
    yaml: yamlOf(basePipeline()),
    files: { 'etl/pipelines/customer-dim.yml': yamlOf(basePipeline()) },
    reportedFile: 'etl/pipelines/customer-dim.yml',
    at: 'field name',
    says: /'customer-dim' is already the name of etl\/pipelines\/customer-dim\.yaml; pipeline names must be unique/,
  },
  {
    title: 'a timeout in words',
    yaml: changed((p) => (p.jobs[1].timeout = '2 hours')),
    at: 'field jobs[1].timeout',
    says: /'2 hours' is not allowed: use a whole number followed by s, m or h, e\.g\. '45m' or '2h'/,
  },
  {
    title: 'too many retries',
    yaml: changed((p) => (p.jobs[1].retries = 11)),
    at: 'field jobs[1].retries',
    says: /11 is not allowed: use a whole number between 0 and 10/,
  },
  {
    title: 'an Arc environment on a sql job',
    yaml: changed((p) => (p.jobs[2].environment = 'production')),
    at: 'field jobs[2].environment',
    says: /applies to arc jobs only; remove it/,
  },
  {
    title: 'a Spark setting without the spark. prefix',
    yaml: changed((p) => (p.jobs[1].sparkConf = { 'sql.shuffle.partitions': '8' })),
    at: 'field jobs[1].sparkConf["sql.shuffle.partitions"]',
    says: /Spark configuration keys start with 'spark\.'/,
  },
  {
    title: 'memory in the wrong unit',
    yaml: changed((p) => ((p.jobs[2].resources as { driver: { memory: string } }).driver.memory = '2GB')),
    at: 'field jobs[2].resources.driver.memory',
    says: /'2GB' is not allowed: use Spark's memory syntax: a whole number with m or g/,
  },
  {
    title: 'fewer maximum than minimum executors',
    yaml: changed(
      (p) => ((p.jobs[2].resources as { executor: { minInstances: number } }).executor.minInstances = 20),
    ),
    at: 'field jobs[2].resources.executor.maxInstances',
    says: /10 is below minInstances \(20\); raise maxInstances or lower minInstances/,
  },
];

/** Writes a fixture repository (job files, overrides, the pipeline) into a new temp folder. */
function fixtureRepo(
  pipelineYaml: string,
  file = PIPELINE_FILE,
  overrides: BadPipeline['files'] = {},
): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-'));
  for (const [relative, content] of Object.entries({ ...JOB_FILES, [file]: pipelineYaml, ...overrides })) {
    const absolute = path.join(root, relative);
    if (content === null) continue;
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    fs.writeFileSync(absolute, content);
  }
  return root;
}

const roots: string[] = [];
function repoWith(pipelineYaml: string, file?: string, overrides?: BadPipeline['files']): string {
  const root = fixtureRepo(pipelineYaml, file, overrides);
  roots.push(root);
  return root;
}
afterAll(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

function problemsOf(root: string): string {
  try {
    loadPipelines(root, dev);
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineError);
    return (error as PipelineError).message;
  }
  throw new Error('expected the pipeline to be rejected');
}

const sha16 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

describe('a valid pipeline', () => {
  test('parses to the expected spec with defaults resolved', () => {
    const [spec] = loadPipelines(repoWith(yamlOf(basePipeline())), dev);
    const contacts = `s3a://sqletl-dev-assets-111122223333-us-east-1/jobs/${sha16(CSV)}/jobs/customer-dim/data/contacts_initial.csv`;
    const expected: PipelineSpec = {
      file: PIPELINE_FILE,
      name: 'customer-dim',
      description: 'Customer contacts as a slowly changing dimension',
      owner: 'data-platform',
      tags: { domain: 'customer' },
      schedule: { cron: '30 2 * * *', timezone: 'Europe/Berlin', startingDeadlineSeconds: 300 },
      concurrencyPolicy: 'Forbid',
      parameters: { CONTACTS_INITIAL: contacts },
      jobs: [
        {
          id: 'initial-load',
          runtime: 'arc',
          files: ['customer-dim/initial_load.ipynb'],
          size: 'small',
          resources: {
            driver: { cores: 1, memory: '2g' },
            executor: { cores: 1, memory: '4g', minInstances: 1, maxInstances: 2 },
            localStorage: '20Gi',
          },
          sparkConf: {},
          arcEnvironment: 'dev',
          parameters: { CONTACTS_INITIAL: contacts },
          retries: 2,
          timeoutSeconds: 7200,
          dependsOn: [],
        },
        {
          id: 'delta-load',
          runtime: 'arc',
          files: ['customer-dim/delta_load.ipynb'],
          size: 'medium',
          resources: {
            driver: { cores: 2, memory: '4g' },
            executor: { cores: 2, memory: '8g', minInstances: 1, maxInstances: 10 },
            localStorage: '50Gi',
          },
          sparkConf: { 'spark.sql.shuffle.partitions': '64' },
          arcEnvironment: 'production',
          parameters: { CONTACTS_INITIAL: contacts, ETL_CONF_LOAD_TYPE: 'delta' },
          retries: 0,
          timeoutSeconds: 5400,
          dependsOn: ['initial-load'],
        },
        {
          id: 'merge',
          runtime: 'sql',
          files: ['customer-dim-sql/01_stage.sql', 'customer-dim-sql/02_merge.sql'],
          size: 'custom',
          resources: {
            driver: { cores: 1, memory: '2g' },
            executor: { cores: 2, memory: '4g', minInstances: 1, maxInstances: 10 },
            localStorage: '30Gi',
          },
          sparkConf: {},
          parameters: { CONTACTS_INITIAL: contacts, LOAD_TYPE: 'delta' },
          retries: 2,
          timeoutSeconds: 7200,
          dependsOn: ['delta-load'],
        },
      ],
    };
    // Lineage has its own tests (lineage.test.ts); here the rest of the spec.
    expect({ ...spec, jobs: spec.jobs.map(({ lineage: _, ...job }) => job) }).toStrictEqual(expected);
  });

  test('without an environment, asset parameters and the Arc environment stay as written', () => {
    const root = repoWith('');
    const spec = parsePipeline(PIPELINE_FILE, yamlOf(basePipeline()), root);
    expect(spec.parameters).toEqual({
      CONTACTS_INITIAL: 'asset:jobs/customer-dim/data/contacts_initial.csv',
    });
    expect(spec.jobs[0]).not.toHaveProperty('arcEnvironment');
    expect(spec.jobs[1].arcEnvironment).toBe('production');
  });

  test('job parameters win over pipeline parameters, and assets resolve per environment', () => {
    const yaml = changed((p) => {
      p.parameters.LOAD_TYPE = 'initial';
      p.jobs[2].parameters = {
        LOAD_TYPE: 'delta',
        SEED: 'asset:jobs/customer-dim/data/contacts_initial.csv',
      };
    });
    const root = repoWith(yaml);
    const prod = loadEnvironments(['prod'])[0];
    const [spec] = loadPipelines(root, prod);
    expect(spec.jobs[0].parameters.LOAD_TYPE).toBe('initial');
    expect(spec.jobs[2].parameters.LOAD_TYPE).toBe('delta');
    expect(spec.jobs[2].parameters.SEED).toBe(
      `s3a://sqletl-prod-assets-${prod.account}-${prod.region}/jobs/${sha16(CSV)}/jobs/customer-dim/data/contacts_initial.csv`,
    );
  });

  test('SQL files may use every runtime parameter without declaring it', () => {
    const sql = RUNTIME_PARAMETER_NAMES.map((name) => `SELECT '\${${name}}';`).join('\n');
    const root = repoWith(yamlOf(basePipeline()), PIPELINE_FILE, {
      'etl/jobs/customer-dim-sql/02_merge.sql': sql,
    });
    expect(loadPipelines(root, dev)[0].jobs[2].files).toHaveLength(2);
  });

  test('pipelines load sorted by file, and a missing folder means no pipelines', () => {
    const second = changed((p) => (p.name = 'a-first'));
    const root = repoWith(yamlOf(basePipeline()), PIPELINE_FILE, {
      'etl/pipelines/a-first.yaml': second,
      'etl/pipelines/README.md': '# not a pipeline\n',
    });
    expect(loadPipelines(root).map((p) => p.file)).toEqual([
      'etl/pipelines/a-first.yaml',
      'etl/pipelines/customer-dim.yaml',
    ]);
    expect(loadPipelines(fs.mkdtempSync(path.join(os.tmpdir(), 'empty-')))).toEqual([]);
  });
});

describe('pipeline files that are links', () => {
  test("follows a symbolic link to a pipeline file inside the repository, under the link's name", () => {
    // The file lives elsewhere in the repository (shared between two kits, say); the link gives it its name.
    const root = repoWith(yamlOf(basePipeline()), 'etl/shared/customer-dim.yaml');
    fs.mkdirSync(path.join(root, 'etl/pipelines'), { recursive: true });
    fs.symlinkSync('../shared/customer-dim.yaml', path.join(root, PIPELINE_FILE));
    expect(loadPipelines(root).map((p) => [p.file, p.name])).toEqual([[PIPELINE_FILE, 'customer-dim']]);
  });

  test('reports every unusable entry at once, and still loads the good files', () => {
    const root = repoWith(yamlOf(basePipeline()));
    const dir = path.join(root, 'etl/pipelines');
    fs.symlinkSync('gone.yaml', path.join(dir, 'broken.yaml'));
    fs.mkdirSync(path.join(dir, 'group.yml'));
    fs.symlinkSync('customer-dim.yaml', path.join(dir, '.hidden.yaml'));
    expect(() => loadPipelines(root)).toThrow(PipelineError);
    try {
      loadPipelines(root);
    } catch (error) {
      expect((error as PipelineError).problems).toEqual([
        expect.stringMatching(
          /^etl\/pipelines\/broken\.yaml: file: is a symbolic link to 'gone\.yaml', which does not exist/,
        ),
        expect.stringMatching(/^etl\/pipelines\/group\.yml: file: is a folder, not a file/),
      ]);
    }
  });
});

describe('job files that cannot be read', () => {
  // Root reads any file whatever its mode, so this runs for ordinary users only (CI containers often run as root).
  test.skipIf(process.getuid?.() === 0)(
    'a job file without read permission is a problem, not a stack trace',
    () => {
      const root = repoWith(yamlOf(basePipeline()));
      const file = path.join(root, 'etl/jobs/customer-dim/initial_load.ipynb');
      fs.chmodSync(file, 0o000);
      try {
        expect(problemsOf(root)).toMatch(
          /field jobs\[0\]\.file: 'customer-dim\/initial_load\.ipynb' \(etl\/jobs\/customer-dim\/initial_load\.ipynb\) cannot be read \(EACCES\); make it readable/,
        );
      } finally {
        fs.chmodSync(file, 0o644);
      }
    },
  );

  test('a job file that is not UTF-8 names the line of the first bad byte', () => {
    const root = repoWith(yamlOf(basePipeline()));
    const file = path.join(root, 'etl/jobs/customer-dim/initial_load.ipynb');
    fs.writeFileSync(file, Buffer.from('{\n"cells": "caf\xe9"}\n', 'latin1'));
    expect(problemsOf(root)).toMatch(/initial_load\.ipynb\) is not UTF-8 text \(first bad byte on line 2\)/);
  });
});

describe.each(CASES)('pipeline error: $title', (bad) => {
  test('names the file, the field and the fix', () => {
    const message = problemsOf(repoWith(bad.yaml, bad.file, bad.files));
    expect(message).toContain(`${bad.reportedFile ?? bad.file ?? PIPELINE_FILE}: ${bad.at}: `);
    expect(message).toMatch(bad.says);
  });
});

describe('problems are collected', () => {
  test('every problem of a file is reported at once, with its line', () => {
    const yaml = changed((p) => {
      p.jobs[2].dependsOn = ['delta-lod'];
      p.jobs[0].file = 'customer-dim/missing.ipynb';
      p.parameters.CONTACTS_INITIAL = 'asset:jobs/nope.csv';
    });
    const error = (() => {
      try {
        loadPipelines(repoWith(yaml));
      } catch (e) {
        return e as PipelineError;
      }
      throw new Error('expected a PipelineError');
    })();
    expect(error.problems).toHaveLength(3);
    expect(error.problems.find((p) => p.includes('field jobs[2].dependsOn[0]'))).toMatch(/\(line \d+\)$/);
  });

  test('problems of every file are reported together', () => {
    const root = repoWith(
      changed((p) => (p.owner = 'data platform')),
      PIPELINE_FILE,
      {
        'etl/pipelines/other.yaml': changed((p) => (p.name = 'wrong')),
      },
    );
    const message = problemsOf(root);
    expect(message).toContain(`${PIPELINE_FILE}: field owner: `);
    expect(message).toContain('etl/pipelines/other.yaml: field name: ');
  });

  test('the cycle message lists a two-job cycle as a → b → a', () => {
    const message = problemsOf(repoWith(changed((p) => (p.jobs[1].dependsOn = ['merge']))));
    expect(message).toMatch(/field jobs\[1\]\.dependsOn\[0\]: .*delta-load → merge → delta-load;/);
  });
});

describe('make synth with a bad pipeline', () => {
  const E2E = CASES.filter((c) => c.e2e === true);
  let repo: TempRepo;
  beforeAll(() => {
    repo = TempRepo.create();
  });
  afterAll(() => repo.dispose());

  test('covers 12 cases (the brief caps the slow end-to-end list)', () => {
    expect(E2E).toHaveLength(12);
  });

  test.each(E2E)('fails on $title and leaves dist/ untouched', (bad) => {
    const before = repo.digest('dist');
    expect(before).not.toBe('');
    const written = { ...JOB_FILES, [bad.file ?? PIPELINE_FILE]: bad.yaml, ...bad.files };
    try {
      for (const [file, content] of Object.entries(written)) {
        if (content === null) fs.rmSync(repo.path(file), { force: true });
        else repo.write(file, content);
      }
      const { status, output } = repo.make('synth');
      expect(status).not.toBe(0);
      expect(output).toContain(`${bad.reportedFile ?? bad.file ?? PIPELINE_FILE}: ${bad.at}: `);
      expect(output).toMatch(bad.says);
      expect(output).not.toMatch(/\n\s+at .*\.ts:\d+/); // no stack trace
      expect(repo.digest('dist')).toBe(before);
    } finally {
      for (const file of Object.keys(written)) {
        if (fs.existsSync(path.join(REPO_ROOT, file))) repo.restore(file);
        else fs.rmSync(repo.path(file), { force: true });
      }
    }
  });
});
