import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../test-support/temp-repo';
import { pipelineFiles } from './load';
import {
  PipelineSchema,
  SCHEMA_FILE,
  cronProblem,
  parseTimeout,
  pipelineJsonSchema,
  timeZoneProblem,
} from './schema';

/** The example of the ETL brief: every field an analyst may write. */
const SAMPLE = `# yaml-language-server: $schema=../pipeline.schema.json
name: customer-scd2
description: Customer contacts as a slowly changing dimension (type 2) on Delta Lake
owner: data-platform
tags: { domain: customer }
schedule:
  cron: '30 2 * * *'
  timezone: Europe/Berlin
  startingDeadlineSeconds: 600
concurrencyPolicy: Forbid
parameters:
  CONTACTS_INITIAL: asset:jobs/customer-scd2/data/contacts_initial.csv
jobs:
  - id: initial-load
    runtime: arc
    file: customer-scd2/initial_load.ipynb
    size: small
    sparkConf: { spark.sql.shuffle.partitions: '64' }
    environment: production
    parameters: { ETL_CONF_LOAD_TYPE: initial }
    retries: 2
    timeout: 2h
    dependsOn: []
  - id: merge
    runtime: sql
    files: [customer-scd2-sql/01_stage.sql, customer-scd2-sql/02_merge.sql]
    resources: { driver: {cores: 1, memory: 2g}, executor: {cores: 2, memory: 4g, minInstances: 1, maxInstances: 10}, localStorage: 20Gi }
    dependsOn: [initial-load]
`;

function validator() {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, SCHEMA_FILE), 'utf8')) as object;
  return new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
}

describe('the published JSON Schema', () => {
  test('has an id, a title, draft-07 and closed objects', () => {
    const schema = pipelineJsonSchema();
    expect(schema).toMatchObject({
      $id: 'urn:sql-etl-on-eks:etl:pipeline.schema.json',
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: expect.stringContaining('pipeline') as unknown,
      additionalProperties: false,
      required: ['name', 'description', 'owner', 'jobs'],
    });
    expect(Object.keys(schema)).toEqual([...Object.keys(schema)].sort());
  });

  test('accepts the brief example in editors (ajv) and at synth (zod)', () => {
    const input: unknown = parse(SAMPLE);
    const validate = validator();
    expect(validate(input), JSON.stringify(validate.errors)).toBe(true);
    expect(PipelineSchema.safeParse(input).success).toBe(true);
  });

  test.each([
    ['an unknown field', { dependson: [] }, 'additionalProperties'],
    ['an unknown size', { size: 'huge' }, 'enum'],
    ['a timeout in words', { timeout: '2 hours' }, 'pattern'],
    ['too many retries', { retries: 11 }, 'maximum'],
    ['a job id with capitals', { id: 'Initial' }, 'pattern'],
  ])('rejects %s in editors and at synth alike', (_title, change, keyword) => {
    const input = parse(SAMPLE) as { jobs: Record<string, unknown>[] };
    input.jobs[0] = { ...input.jobs[0], ...change };
    const validate = validator();
    expect(validate(input)).toBe(false);
    expect(validate.errors?.map((e) => e.keyword)).toContain(keyword);
    expect(PipelineSchema.safeParse(input).success).toBe(false);
  });

  test('every pipeline in the repository passes the published schema', () => {
    const validate = validator();
    for (const file of pipelineFiles(REPO_ROOT)) {
      const input: unknown = parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
      expect(validate(input), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});

describe('field rules', () => {
  test.each(['30 2 * * *', '*/15 6-18 * * 1-5', '0 0 1 JAN,JUL *', '0 3 * * SUN'])(
    'accepts cron %s',
    (cron) => {
      expect(cronProblem(cron)).toBeUndefined();
    },
  );

  test.each([
    ['@daily', /five cron fields instead of a macro/],
    ['* * * *', /has 4 fields/],
    ['0 25 * * *', /Constraint error, got value 25 expected range 0-23/],
    ['0 0 ? * 5#2', /cron extension/],
    ['H 2 * * *', /cron extension|not a valid cron/],
  ])('rejects cron %s', (cron, reason) => {
    expect(cronProblem(cron)).toMatch(reason);
  });

  test('time zones: IANA names pass, unknown names and wrong case fail', () => {
    expect(timeZoneProblem('UTC')).toBeUndefined();
    expect(timeZoneProblem('America/New_York')).toBeUndefined();
    expect(timeZoneProblem('Mars/Olympus')).toMatch(/not a time zone/);
    expect(timeZoneProblem('utc')).toMatch(/write 'UTC'/);
  });

  test('timeouts convert to seconds', () => {
    expect([parseTimeout('45s'), parseTimeout('90m'), parseTimeout('2h')]).toEqual([45, 5400, 7200]);
    expect(parseTimeout('2 h')).toBeUndefined();
    expect(parseTimeout('0m')).toBeUndefined();
  });
});
