import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { SIZE_PRESET_NAMES } from './presets';

/**
 * The schema of a pipeline definition (etl/pipelines/<name>.yaml) as analysts write it. Field-level rules live here
 * (and reach editors through etl/pipeline.schema.json); rules that need other files or the whole pipeline (job files,
 * dependencies, SQL parameters) live in check.ts and check-jobs.ts. Every message says what to write instead.
 */

/** Runtimes and the job file extensions each accepts. */
export const RUNTIME_FILE_TYPES = {
  arc: ['.ipynb', '.json', '.conf'],
  sql: ['.sql'],
  pyspark: ['.py'],
} as const;

/** Runtime names in documentation order. */
export const RUNTIMES = ['arc', 'sql', 'pyspark'] as const;

/** Longest pipeline name and job id: they become parts of Kubernetes object names (63 characters at most). */
export const MAX_NAME_LENGTH = 40;

/** Longest job timeout: one week. */
export const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

const DNS_LABEL = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const LABEL_KEY = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Relative, '/'-separated, no '.' or '..' segments, no empty segments. */
const RELATIVE_PATH = /^(?!.*(^|\/)\.{1,2}(\/|$))[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const TIMEOUT = /^([1-9][0-9]*)([smh])$/;
const SPARK_MEMORY = /^[1-9][0-9]*[mg]$/;
const STORAGE = /^[1-9][0-9]*(Mi|Gi|Ti)$/;
const ARGO_CRON_TOKEN = /^[0-9*/,?-]+$/;
const CRON_NAMES = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)\b/gi;

/** Marks a custom issue whose message continues the bad value ("'x' is …") rather than following "is not allowed:". */
const SENTENCE = { sentence: true } as const;

/** Zod's error option, split into the message for a missing field and the one for a bad value. */
function says(missing: string, invalid: string): { error: (issue: { input: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined ? missing : invalid) };
}

/** The reason a five-field cron expression is invalid for Argo's scheduler, or undefined when it is valid. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (cron.trim().startsWith('@')) {
    return "write the five cron fields instead of a macro, e.g. '0 0 * * *' for @daily";
  }
  if (fields.length !== 5) {
    return `has ${fields.length} fields; write five: minute hour day-of-month month day-of-week, e.g. '30 2 * * *'`;
  }
  try {
    CronExpressionParser.parse(cron, { tz: 'UTC' });
  } catch (error) {
    const reason = error instanceof Error && error.message !== '' ? error.message : 'unparseable';
    return `is not a valid cron expression (${reason}); write minute hour day-of-month month day-of-week, e.g. '30 2 * * *'`;
  }
  // cron-parser accepts extensions (L, W, #, H) that Argo's scheduler (robfig/cron) rejects at apply time.
  if (fields.some((field) => !ARGO_CRON_TOKEN.test(field.replace(CRON_NAMES, '0')))) {
    return "uses a cron extension (L, W, # or H) that Argo's scheduler does not support; use numbers, ranges, lists and steps";
  }
  return undefined;
}

/**
 * Why `zone` is not a time zone Argo can load, or undefined when it is. Intl knows the IANA database; Argo (Go's
 * time.LoadLocation) is case-sensitive, so 'europe/berlin' is rejected with the right spelling.
 */
export function timeZoneProblem(zone: string): string | undefined {
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return 'is not a time zone; use an IANA time zone name, e.g. UTC, Europe/Berlin or America/New_York';
  }
  if (canonical !== zone && canonical.toLowerCase() === zone.toLowerCase()) {
    return `is not spelt as in the IANA database; write '${canonical}'`;
  }
  return undefined;
}

/** `<n>s|m|h` → seconds, or undefined when malformed. */
export function parseTimeout(timeout: string): number | undefined {
  const match = TIMEOUT.exec(timeout);
  if (!match) return undefined;
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}

/** A string value; YAML numbers and booleans are accepted and turned into their text (`64` → '64'). */
const stringValue = z
  .union([z.string(), z.number(), z.boolean()], {
    error: 'use a text value (numbers and true/false are turned into text)',
  })
  .transform(String);

const parameters = z
  .record(
    z.string().regex(PARAMETER_NAME, {
      error:
        'parameter names are letters, digits and underscores, starting with a letter or underscore (e.g. LOAD_TYPE)',
    }),
    stringValue,
  )
  .describe(
    'Parameters (name → value). arc: --ETL_CONF_<NAME>=value; sql: ${NAME} substitution; pyspark: --NAME value. ' +
      'A value "asset:<path under etl/>" becomes the S3 URI of that uploaded file.',
  );

const relativePath = (example: string) =>
  z
    .string(says(`add the file, relative to etl/jobs/, e.g. ${example}`, 'use a text path'))
    .regex(RELATIVE_PATH, {
      error: `use a path relative to etl/jobs/ with '/' separators and no '..', e.g. '${example}'`,
    });

const sparkMemory = z
  .string(says("add the memory, e.g. '4g'", "use Spark's memory syntax as text, e.g. '4g' or '512m'"))
  .regex(SPARK_MEMORY, {
    error: "use Spark's memory syntax: a whole number with m or g, e.g. '4g' or '512m'",
  });

const cores = z
  .number(says('add the number of cores, e.g. 2', 'use a whole number of cores between 1 and 64'))
  .int({ error: 'use a whole number of cores between 1 and 64' })
  .min(1, { error: 'use a whole number of cores between 1 and 64' })
  .max(64, { error: 'use a whole number of cores between 1 and 64' });

const instances = z
  .number(says('add the number of executors, e.g. 10', 'use a whole number of executors between 1 and 500'))
  .int({ error: 'use a whole number of executors between 1 and 500' })
  .min(1, { error: 'use a whole number of executors between 1 and 500' })
  .max(500, { error: 'use a whole number of executors between 1 and 500' });

/** A dataset a job declares it reads or writes (config/pipelines/lineage.ts parses it after substitution). */
const DATASET = /^(glue:|table:|\$\{[A-Za-z_][A-Za-z0-9_]*\}|[a-z][a-z0-9+.-]*:\/)/;
const datasets = z.array(
  z.string({ error: 'use a text dataset' }).regex(DATASET, {
    error:
      "write a URI ('${DATALAKE}/<path>', 's3a://bucket/path'), 'glue:<database>.<table>' or " +
      "'table:<database>.<table>'",
  }),
  { error: "use a list of datasets, e.g. ['${DATALAKE}/sales/orders']" },
);

/** Kinds of data test, in documentation order (config/pipelines/data-tests.ts turns each into Spark SQL). */
export const DATA_TEST_KINDS = [
  'not_null',
  'unique',
  'accepted_values',
  'row_count',
  'relationships',
  'freshness',
  'sql',
] as const;

/** Formats a data test can read a path dataset as (`<format>.\`<path>\``). */
export const DATA_TEST_FORMATS = ['delta', 'parquet', 'orc', 'json', 'csv', 'avro'] as const;

/** A column, or a nested field with dots (`address.city`). */
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** A freshness age: a whole number of seconds, minutes, hours or days. */
const MAX_AGE = /^([1-9][0-9]*)([smhd])$/;
/** A whole number, or a `${NAME}` parameter holding one. */
const COUNT_PARAMETER = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

const column = z.string(says('add the column, e.g. id', 'use a column name as text')).regex(COLUMN, {
  error: "use a column name (letters, digits, '_'; dots for nested fields), e.g. customer_id",
});
const columns = z
  .union([column.transform((c) => [c]), z.array(column).min(1, { error: 'list at least one column' })], {
    error: 'use a column name or a list of them, e.g. [id, valid_from]',
  })
  .describe('A column or a list of columns.');
const count = z.union(
  [
    z
      .number({ error: "use a whole number (or a parameter, '${NAME}')" })
      .int({ error: 'use a whole number' })
      .min(0, { error: 'use a number ≥ 0' }),
    z
      .string()
      .regex(COUNT_PARAMETER, { error: "use a whole number or one parameter, e.g. '${EXPECTED_ROWS}'" }),
  ],
  { error: "use a whole number or one parameter, e.g. '${EXPECTED_ROWS}'" },
);
const testDataset = z
  .string({ error: 'use a text dataset' })
  .regex(/^(table:|\$\{[A-Za-z_][A-Za-z0-9_]*\}|[a-z][a-z0-9+.-]*:\/)/, {
    error:
      "write the dataset as the job writes it: a URI ('${DATALAKE}/<path>') or 'table:<database>.<table>'",
  });
const testFormat = z.enum(DATA_TEST_FORMATS, { error: `use one of ${DATA_TEST_FORMATS.join(', ')}` });

/** Seconds of a freshness age (`36h`). */
export function parseMaxAge(age: string): number {
  const match = MAX_AGE.exec(age)!;
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

/** One data test on a dataset a job writes: exactly one kind key, with optional name, dataset, format and where. */
export const DataTestSchema = z
  .strictObject(
    {
      name: z
        .string({ error: 'use a text name' })
        .min(1, { error: 'use a non-empty name' })
        .max(100, { error: 'use at most 100 characters' })
        .regex(/^[^\n\r\t]*$/, { error: 'use one line' })
        .optional()
        .describe(
          'What the logs call the test. Default: the kind and its columns, e.g. unique(id, valid_from).',
        ),
      dataset: testDataset
        .optional()
        .describe(
          "The dataset tested, written as the job writes it ('${DATALAKE}/<path>' or 'table:<db>.<table>'). " +
            'Default: the only dataset the job writes.',
        ),
      format: testFormat
        .optional()
        .describe('How to read a path dataset when the SQL does not show it (delta, parquet, …).'),
      where: z
        .string({ error: 'use a Spark SQL condition as text' })
        .min(1, { error: 'use a Spark SQL condition' })
        .optional()
        .describe('Spark SQL condition: only rows matching it are tested (not for sql tests).'),
      not_null: columns.optional().describe('Columns that must never be NULL.'),
      unique: columns.optional().describe('A column or a combination of columns that must be unique.'),
      accepted_values: z
        .strictObject(
          {
            column,
            values: z
              .array(z.union([z.string(), z.number(), z.boolean()]), {
                error: 'use a list of values, e.g. [open, closed]',
              })
              .min(1, { error: 'list at least one value' }),
          },
          says('add { column: …, values: [...] }', 'use a mapping { column: …, values: [...] }'),
        )
        .optional()
        .describe('A column whose non-NULL values must be among values.'),
      row_count: z
        .strictObject(
          { min: count.optional(), max: count.optional(), equals: count.optional() },
          says('add { min: 1 } or { equals: 100 }', 'use a mapping with min, max or equals'),
        )
        .optional()
        .describe("Bounds of the dataset's row count: min and/or max, or equals (numbers or one '${NAME}')."),
      relationships: z
        .strictObject(
          {
            column,
            to: testDataset.describe('The referenced dataset.'),
            field: column.describe('The referenced column.'),
            format: testFormat.optional().describe('How to read `to` when no job of the pipeline shows it.'),
          },
          says('add { column: …, to: …, field: … }', 'use a mapping { column: …, to: …, field: … }'),
        )
        .optional()
        .describe('Every non-NULL value of column exists in field of the dataset to (a foreign key).'),
      freshness: z
        .strictObject(
          {
            column,
            maxAge: z
              .string({ error: "use an age as text, e.g. '36h'" })
              .regex(MAX_AGE, { error: "use a whole number followed by s, m, h or d, e.g. '36h' or '2d'" }),
          },
          says("add { column: …, maxAge: '36h' }", "use a mapping { column: …, maxAge: '36h' }"),
        )
        .optional()
        .describe('The newest value of a timestamp column is at most maxAge old when the test runs.'),
      sql: z
        .string({ error: 'use a Spark SQL query as text' })
        .min(1, { error: 'use a Spark SQL query' })
        .optional()
        .describe(
          'A Spark SQL query that must return no rows (each row it returns is a failure); needs name.',
        ),
    },
    says('add a test, e.g. { not_null: [id] }', `use a mapping with one of ${DATA_TEST_KINDS.join(', ')}`),
  )
  .superRefine((test, ctx) => {
    const kinds = DATA_TEST_KINDS.filter((kind) => test[kind] !== undefined);
    // No kind at all is reported by the loader (config/pipelines/data-tests.ts): here, a misspelt kind is already
    // an unknown field with "did you mean", and the refinement cannot tell the two cases apart.
    if (kinds.length > 1) {
      ctx.addIssue({
        code: 'custom',
        params: SENTENCE,
        path: [kinds[1]],
        input: test[kinds[1]],
        message: `is given together with ${kinds[0]}; write one test per list item`,
      });
      return;
    }
    if (test.sql !== undefined && test.name === undefined) {
      ctx.addIssue({
        code: 'custom',
        params: SENTENCE,
        path: ['sql'],
        input: test.sql,
        message: "has no name; add name: <what a returned row means>, e.g. name: 'versions overlap'",
      });
    }
    if (test.sql !== undefined && test.where !== undefined) {
      ctx.addIssue({
        code: 'custom',
        params: SENTENCE,
        path: ['where'],
        input: test.where,
        message: 'applies to the other kinds only; put the condition into the sql query',
      });
    }
    const bounds = test.row_count;
    if (bounds !== undefined) {
      const given = (['min', 'max', 'equals'] as const).filter((key) => bounds[key] !== undefined);
      if (given.length === 0 || (bounds.equals !== undefined && given.length > 1)) {
        ctx.addIssue({
          code: 'custom',
          params: SENTENCE,
          path: ['row_count'],
          input: bounds,
          message: 'needs min and/or max, or equals alone, e.g. { min: 1 } or { equals: 100 }',
        });
      } else if (
        typeof bounds.min === 'number' &&
        typeof bounds.max === 'number' &&
        bounds.min > bounds.max
      ) {
        ctx.addIssue({
          code: 'custom',
          params: SENTENCE,
          path: ['row_count', 'max'],
          input: bounds.max,
          message: `is below min (${bounds.min}); raise max or lower min`,
        });
      }
    }
  });

/** Explicit Spark resources (instead of a size preset). */
export const ResourcesSchema = z
  .strictObject({
    driver: z
      .strictObject(
        { cores, memory: sparkMemory },
        says("add driver: { cores: 1, memory: '2g' }", 'use a mapping'),
      )
      .describe('Driver cores and memory.'),
    executor: z
      .strictObject(
        {
          cores,
          memory: sparkMemory,
          minInstances: instances.default(1).describe('Dynamic allocation minimum. Default 1.'),
          maxInstances: instances.describe(
            'Dynamic allocation maximum; equal to minInstances disables scaling.',
          ),
        },
        says("add executor: { cores: 2, memory: '4g', maxInstances: 10 }", 'use a mapping'),
      )
      .describe('Executor cores, memory and dynamic allocation bounds.'),
    localStorage: z
      .string(says("add localStorage, e.g. '20Gi'", "use a Kubernetes quantity as text, e.g. '20Gi'"))
      .regex(STORAGE, { error: "use a Kubernetes quantity in Mi, Gi or Ti, e.g. '20Gi'" })
      .describe('Ephemeral storage per executor for shuffle and spill, e.g. 20Gi.'),
  })
  .superRefine((resources, ctx) => {
    if (resources.executor.maxInstances < resources.executor.minInstances) {
      ctx.addIssue({
        code: 'custom',
        params: SENTENCE,
        path: ['executor', 'maxInstances'],
        input: resources.executor.maxInstances,
        message: `is below minInstances (${resources.executor.minInstances}); raise maxInstances or lower minInstances`,
      });
    }
  });

/** One job as written in the YAML. */
export const JobSchema = z
  .strictObject(
    {
      id: z
        .string(says('add an id, e.g. id: initial-load', 'use a text id'))
        .max(MAX_NAME_LENGTH, { error: `use at most ${MAX_NAME_LENGTH} characters` })
        .regex(DNS_LABEL, {
          error: "use lowercase letters, digits and '-', starting with a letter (e.g. initial-load)",
        })
        .describe('Unique within the pipeline; lowercase letters, digits and -.'),
      runtime: z
        .enum(
          RUNTIMES,
          says(`add runtime: one of ${RUNTIMES.join(', ')}`, `use one of ${RUNTIMES.join(', ')}`),
        )
        .describe('arc (notebook or job file), sql (.sql files run in order) or pyspark (.py script).'),
      file: relativePath('customer-scd2/initial_load.ipynb')
        .optional()
        .describe('The job file, relative to etl/jobs/. arc: .ipynb/.json/.conf; sql: .sql; pyspark: .py.'),
      files: z
        .array(relativePath('customer-scd2-sql/01_stage.sql'), { error: 'use a list of paths' })
        .min(1, { error: 'list at least one file' })
        .optional()
        .describe('sql only: several .sql files, relative to etl/jobs/, run in order.'),
      size: z
        .enum(SIZE_PRESET_NAMES, {
          error: `use one of ${SIZE_PRESET_NAMES.join(', ')} (or give resources instead of size)`,
        })
        .optional()
        .describe(
          'Resource preset: small (default), medium, large or local. Leave out when resources is given.',
        ),
      resources: ResourcesSchema.optional().describe('Explicit resources instead of a size preset.'),
      sparkConf: z
        .record(
          z.string().regex(/^spark\.[A-Za-z0-9._-]+$/, {
            error: "Spark configuration keys start with 'spark.' (e.g. spark.sql.shuffle.partitions)",
          }),
          stringValue,
        )
        .default({})
        .describe('Spark configuration overrides, e.g. spark.sql.shuffle.partitions: "64".'),
      environment: z
        .string()
        .regex(/^[A-Za-z0-9_-]+$/, { error: 'use letters, digits, - and _ (e.g. production)' })
        .optional()
        .describe("arc only: Arc's --etl.config.environment. Default: the environment's name."),
      parameters: parameters.default({}),
      retries: z
        .number({ error: 'use a whole number between 0 and 10' })
        .int({ error: 'use a whole number between 0 and 10' })
        .min(0, { error: 'use a whole number between 0 and 10' })
        .max(10, { error: 'use a whole number between 0 and 10' })
        .default(2)
        .describe('Retries after infrastructure failures (exponential backoff). Default 2.'),
      timeout: z
        .string({ error: "use a duration as text, e.g. '90m'" })
        .regex(TIMEOUT, { error: "use a whole number followed by s, m or h, e.g. '45m' or '2h'" })
        .refine((t) => (parseTimeout(t) ?? 0) <= MAX_TIMEOUT_SECONDS, {
          error: `use at most ${MAX_TIMEOUT_SECONDS / 3600}h (one week)`,
        })
        .default('2h')
        .describe('Maximum run time: <n>s, <n>m or <n>h. Default 2h.'),
      dependsOn: z
        .array(z.string({ error: 'use a job id' }), { error: 'use a list of job ids, e.g. [initial-load]' })
        .default([])
        .describe('Ids of jobs of this pipeline that must succeed first.'),
      inputs: datasets
        .optional()
        .describe(
          'Datasets the job reads that its SQL does not show (pyspark jobs, dynamic SQL); added to what the SQL ' +
            'compile step derives. A URI (${DATALAKE}/<path>, s3a://…), glue:<database>.<table> or ' +
            'table:<database>.<table>; ${NAME} is substituted.',
        ),
      outputs: datasets
        .optional()
        .describe(
          'Datasets the job writes that its SQL does not show (pyspark jobs, dynamic SQL); same forms as inputs.',
        ),
      tests: z
        .array(DataTestSchema, { error: 'use a list of tests, e.g. [{ not_null: [id] }, { unique: [id] }]' })
        .default([])
        .describe(
          "Data tests on what the job writes, run after it as a gate: the job's dependents wait for them, and a " +
            'failing test fails the run.',
        ),
    },
    says('add a job: { id: …, runtime: …, file: … }', 'use a mapping with id, runtime and file'),
  )
  .superRefine((job, ctx) => {
    if (job.file !== undefined && job.files !== undefined) {
      ctx.addIssue({
        code: 'custom',
        params: SENTENCE,
        path: ['files'],
        input: job.files,
        message: 'is given together with file; keep one: file for one file, files for several sql files',
      });
    } else if (job.file === undefined && job.files === undefined) {
      ctx.addIssue({
        code: 'custom',
        params: SENTENCE,
        path: ['file'],
        input: undefined,
        message: `add the job's file, relative to etl/jobs/ (e.g. file: my-job/${job.id}${RUNTIME_FILE_TYPES[job.runtime][0]})`,
      });
    } else if (job.files !== undefined && job.files.length > 1 && job.runtime !== 'sql') {
      ctx.addIssue({
        code: 'custom',
        params: SENTENCE,
        path: ['files'],
        input: job.files,
        message: `lists ${job.files.length} files, but ${job.runtime === 'arc' ? 'an' : 'a'} ${job.runtime} job runs exactly one; use file: <path>, or one job per file`,
      });
    }
    const allowed: readonly string[] = RUNTIME_FILE_TYPES[job.runtime];
    const given = job.files ?? (job.file === undefined ? [] : [job.file]);
    given.forEach((file, i) => {
      if (!allowed.some((ext) => file.endsWith(ext))) {
        ctx.addIssue({
          code: 'custom',
          params: SENTENCE,
          path: job.files === undefined ? ['file'] : ['files', i],
          input: file,
          message: `is not a ${job.runtime} job file; a ${job.runtime} job runs ${allowed.join(', ')} files (for ${describeOtherRuntimes(file)})`,
        });
      }
    });
    if (job.size !== undefined && job.resources !== undefined) {
      ctx.addIssue({
        code: 'custom',
        params: SENTENCE,
        path: ['size'],
        input: job.size,
        message:
          'is given together with resources; keep one: size picks a preset, resources sets them explicitly',
      });
    }
    if (job.environment !== undefined && job.runtime !== 'arc') {
      ctx.addIssue({
        code: 'custom',
        params: SENTENCE,
        path: ['environment'],
        input: job.environment,
        message: `applies to arc jobs only; remove it from this ${job.runtime} job (pass a parameter instead)`,
      });
    }
  });

function describeOtherRuntimes(file: string): string {
  const match = RUNTIMES.find((runtime) =>
    (RUNTIME_FILE_TYPES[runtime] as readonly string[]).some((ext) => file.endsWith(ext)),
  );
  return match === undefined ? 'other files, use another runtime' : `this file use runtime: ${match}`;
}

/** The schedule of a pipeline. */
export const ScheduleSchema = z
  .strictObject(
    {
      cron: z
        .string(says("add cron, e.g. cron: '30 2 * * *'", "use a cron expression as text, e.g. '30 2 * * *'"))
        .superRefine((cron, ctx) => {
          const problem = cronProblem(cron);
          if (problem !== undefined)
            ctx.addIssue({ code: 'custom', params: SENTENCE, input: cron, message: problem });
        })
        .describe('Five-field cron expression: minute hour day-of-month month day-of-week.'),
      timezone: z
        .string({ error: 'use an IANA time zone name as text, e.g. Europe/Berlin' })
        .superRefine((zone, ctx) => {
          const problem = timeZoneProblem(zone);
          if (problem !== undefined)
            ctx.addIssue({ code: 'custom', params: SENTENCE, input: zone, message: problem });
        })
        .default('UTC')
        .describe('IANA time zone of the cron expression. Default UTC.'),
      startingDeadlineSeconds: z
        .number({ error: 'use a whole number of seconds, e.g. 600' })
        .int({ error: 'use a whole number of seconds, e.g. 600' })
        .min(0, { error: 'use 0 or more seconds' })
        .max(86_400, { error: 'use at most 86400 seconds (one day)' })
        .default(300)
        .describe('Seconds after the scheduled time a missed run may still start. Default 300.'),
    },
    says('add a mapping with cron', "use a mapping, e.g. { cron: '30 2 * * *', timezone: UTC }"),
  )
  .describe('Optional: run the pipeline on a schedule.');

/**
 * Whether `name` is a valid pipeline name or job id (the rule of {@link PipelineSchema}'s name and a job's id); every
 * name a message suggests passes it.
 */
export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && DNS_LABEL.test(name);
}

/** The pipeline file. */
export const PipelineSchema = z
  .strictObject(
    {
      name: z
        .string(says('add name: <the file name without .yaml>', 'use a text name'))
        .max(MAX_NAME_LENGTH, { error: `use at most ${MAX_NAME_LENGTH} characters` })
        .regex(DNS_LABEL, {
          error: "use lowercase letters, digits and '-', starting with a letter (e.g. customer-scd2)",
        })
        .describe('The pipeline name; equals the file name without .yaml.'),
      description: z
        .string(says('add a one-line description of what the pipeline produces', 'use a text description'))
        .min(1, { error: 'add a one-line description of what the pipeline produces' })
        .describe('One line: what the pipeline produces.'),
      owner: z
        .string(says('add the owning team, e.g. owner: data-platform', 'use a text owner'))
        .regex(LABEL_VALUE, {
          error: "use up to 63 letters, digits, '-', '_' or '.', e.g. data-platform",
        })
        .describe(
          'Owning team: a team name of config/environments/<env>.ts (teams:). The pipeline runs in its namespace, ' +
            'with its role, quota and node pools; an unknown team is an error.',
        ),
      tags: z
        .record(
          z.string().regex(LABEL_KEY, {
            error: "tag keys are up to 63 lowercase letters, digits, '-', '_' or '.', e.g. domain",
          }),
          z.string({ error: 'use a text value' }).regex(LABEL_VALUE, {
            error: "tag values are up to 63 letters, digits, '-', '_' or '.', e.g. customer",
          }),
        )
        .default({})
        .describe('Labels, e.g. { domain: customer }.'),
      schedule: ScheduleSchema.optional(),
      concurrencyPolicy: z
        .enum(['Allow', 'Forbid', 'Replace'], { error: 'use Allow, Forbid or Replace' })
        .default('Forbid')
        .describe('What a scheduled run does while the previous one still runs. Default Forbid.'),
      parameters: parameters.default({}),
      jobs: z
        .array(JobSchema, says('add jobs: a list with at least one job', 'use a list of jobs'))
        .min(1, { error: 'add at least one job' })
        .describe('The jobs, a DAG through dependsOn.'),
    },
    says(
      'the file is empty; start with name:, description:, owner: and jobs:',
      'use a mapping (name: …, jobs: …)',
    ),
  )
  .describe('An ETL pipeline: a DAG of Spark jobs, optionally on a schedule.');

/** A pipeline file after schema validation (defaults applied, not yet checked against other files). */
export type PipelineDocument = z.output<typeof PipelineSchema>;

/** One data test after schema validation. */
export type DataTestDocument = z.output<typeof DataTestSchema>;

/** One job after schema validation. */
export type JobDocument = z.output<typeof JobSchema>;

/** The keys a strict object at `path` of the pipeline schema allows (for "unknown field" messages). */
export function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = PipelineSchema;
  const unwrap = (s: z.core.$ZodType): z.core.$ZodType => {
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.innerType !== undefined) return unwrap(def.innerType);
    if (def.type === 'pipe' && def.in !== undefined) return unwrap(def.in);
    return s;
  };
  for (const key of path) {
    if (schema === undefined) return [];
    const def = unwrap(schema)._zod.def as {
      type: string;
      shape?: Record<string, z.core.$ZodType>;
      element?: z.core.$ZodType;
    };
    if (def.type === 'object' && def.shape !== undefined) schema = def.shape[String(key)];
    else if (def.type === 'array') schema = def.element;
    else return [];
  }
  if (schema === undefined) return [];
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, unknown> };
  return def.type === 'object' && def.shape !== undefined ? Object.keys(def.shape) : [];
}

/** The JSON Schema editors use (etl/pipeline.schema.json), with keys sorted so the file is stable. */
export function pipelineJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(PipelineSchema, {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'any',
  });
  return sortKeys({
    ...generated,
    $id: 'urn:sql-etl-on-eks:etl:pipeline.schema.json',
    title: 'sql-etl-on-eks pipeline (etl/pipelines/<name>.yaml)',
  }) as Record<string, unknown>;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The published schema, relative to the repository root (pipeline files reference it as ../pipeline.schema.json). */
export const SCHEMA_FILE = 'etl/pipeline.schema.json';
