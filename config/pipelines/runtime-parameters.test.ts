import { describe, expect, test } from 'vitest';
import { loadEnvironments } from '../shipped';
import { SIZE_PRESETS } from './presets';
import {
  PER_RUN_PARAMETERS,
  RUNTIME_PARAMETER_NAMES,
  isRuntimeParameter,
  runtimeParameters,
  unsuppliedParameter,
} from './runtime-parameters';

const dev = loadEnvironments(['dev'])[0];

describe('runtimeParameters', () => {
  test('supplies the environment-wide values the brief lists', () => {
    expect(runtimeParameters(dev)).toEqual({
      ENV: 'dev',
      DATALAKE: 's3a://sqletl-dev-datalake-111122223333-us-east-1/warehouse',
      DATALAKE_BUCKET: 'sqletl-dev-datalake-111122223333-us-east-1',
      GLUE_DATABASE: 'sqletl_dev',
      ATHENA_WORKGROUP: 'sqletl-dev-etl',
      ATHENA_RESULTS: 's3://sqletl-dev-athena-results-111122223333-us-east-1/results/',
      SPARK_EVENT_LOGS: 's3a://sqletl-dev-datalake-111122223333-us-east-1/spark-event-logs/',
    });
  });

  test('follows an existing data lake bucket and Glue database from the config', () => {
    const params = runtimeParameters({
      ...dev,
      data: { ...dev.data, existingDatalakeBucket: 'corp-lake', glueDatabase: 'lake' },
    });
    expect(params.DATALAKE).toBe('s3a://corp-lake/warehouse');
    expect(params.DATALAKE_BUCKET).toBe('corp-lake');
    expect(params.SPARK_EVENT_LOGS).toBe('s3a://corp-lake/spark-event-logs/');
    expect(params.GLUE_DATABASE).toBe('lake');
  });

  test('names the per-run parameters separately', () => {
    expect(PER_RUN_PARAMETERS).toEqual(['EPOCH', 'CURRENT_TIMESTAMP']);
    expect(RUNTIME_PARAMETER_NAMES).toEqual([
      ...Object.keys(runtimeParameters(dev)),
      'EPOCH',
      'CURRENT_TIMESTAMP',
    ]);
  });

  test("recognises runtime names with and without arc's ETL_CONF_ prefix", () => {
    expect(isRuntimeParameter('ENV')).toBe(true);
    expect(isRuntimeParameter('ETL_CONF_EPOCH')).toBe(true);
    expect(isRuntimeParameter('LOAD_TYPE')).toBe(false);
  });
});

describe('size presets', () => {
  test('match the seed', () => {
    expect(SIZE_PRESETS.small).toEqual({
      driver: { cores: 1, memory: '2g' },
      executor: { cores: 1, memory: '4g', minInstances: 1, maxInstances: 2 },
      localStorage: '20Gi',
    });
    expect(SIZE_PRESETS.medium.executor).toEqual({
      cores: 2,
      memory: '8g',
      minInstances: 1,
      maxInstances: 10,
    });
    expect(SIZE_PRESETS.large).toMatchObject({ driver: { cores: 4, memory: '8g' }, localStorage: '100Gi' });
    expect(SIZE_PRESETS.large.executor.maxInstances).toBe(20);
    expect(SIZE_PRESETS.local.executor).toEqual({ cores: 1, memory: '2g', minInstances: 1, maxInstances: 1 });
  });
});

describe('unsuppliedParameter', () => {
  test('says who could supply the name, with a "did you mean" when there is a close one', () => {
    expect(unsuppliedParameter('MIN_ROW', 'MIN_ROWS')).toBe(
      'uses ${MIN_ROW}, which neither the pipeline, the job nor the runtime supplies; did you mean ${MIN_ROWS}? ' +
        "Otherwise add MIN_ROW: <value> under the job's or the pipeline's parameters",
    );
    expect(unsuppliedParameter('X', undefined, ' (line 3 of etl/jobs/a.sql)')).toBe(
      'uses ${X} (line 3 of etl/jobs/a.sql), which neither the pipeline, the job nor the runtime supplies; ' +
        "add X: <value> under the job's or the pipeline's parameters",
    );
  });
});
