import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  environmentSources,
  parseEnvironment,
  jobInvocation,
  loadPipelines,
  type PipelineSpec,
} from '../../config';
import { expectedDayZones, taxiTrips, taxiTripsCsv } from '../sample-data/nyc-taxi';
import { localArcInvocationValues, querySql, runArcJob, type ArcJobResult } from './arc';

/**
 * The Arc pipelines run end to end on the local Arc environment (`make arc-env`), with the cluster's main class and
 * arguments (config/pipelines/invocation.ts over local values), into a throwaway warehouse; the data is read back
 * with Spark and Delta alone and asserted.
 */
const REPO = path.resolve(__dirname, '..', '..');
const WORK = path.join(REPO, '.build', 'arc-run');
const WAREHOUSE = path.join(WORK, 'warehouse');
const ENV = parseEnvironment(environmentSources[0]);
const VALUES = localArcInvocationValues(REPO, ENV, WAREHOUSE, new Date(Date.UTC(2026, 0, 1)));
const TRIPS = taxiTrips();
// NYC_TAXI_SOURCE is relative to the data lake (${DATALAKE}/<source>), as on the cluster.
const TRIPS_SOURCE = 'raw/nyc-tlc-sample';
const TRIPS_PARQUET = path.join(WAREHOUSE, TRIPS_SOURCE);

function pipeline(name: string): PipelineSpec {
  const found = loadPipelines(REPO).find((p) => p.name === name);
  if (found === undefined) throw new Error(`no pipeline ${name}`);
  return found;
}

function run(p: PipelineSpec, jobId: string): Promise<ArcJobResult> {
  const job = p.jobs.find((j) => j.id === jobId)!;
  const invocation = jobInvocation(p, job, VALUES);
  return runArcJob({
    pipeline: p.name,
    jobId,
    jobFile: path.join(REPO, 'etl/jobs', job.files[0]),
    arcEnvironment: invocation.arcEnvironment!,
    invocation,
    warehouseDir: WAREHOUSE,
    logDir: path.join(WORK, 'logs', p.name),
  });
}

const results = new Map<string, ArcJobResult>();
let rows: Record<string, unknown>[][];

beforeAll(async () => {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const csv = path.join(WORK, 'nyc-taxi-sample.csv');
  fs.writeFileSync(csv, taxiTripsCsv(TRIPS));
  const scd2 = pipeline('customer-scd2');
  // The sample as Parquet, with the TLC's column types.
  const generate = querySql(
    REPO,
    [
      `CREATE TEMPORARY VIEW trips_csv (tpep_pickup_datetime TIMESTAMP, PULocationID BIGINT, passenger_count DOUBLE,
         trip_distance DOUBLE, fare_amount DOUBLE, total_amount DOUBLE) USING csv OPTIONS (path '${csv}', header 'true')`,
      `INSERT OVERWRITE DIRECTORY '${TRIPS_PARQUET}' USING parquet SELECT * FROM trips_csv`,
    ],
    path.join(WORK, 'generate'),
  );
  // customer-scd2 in DAG order: the two loads (independent) together, then the merge. register-table is a
  // pyspark job that registers the table in Glue for Athena: AWS only, not run here.
  const [initial, delta] = await Promise.all([run(scd2, 'initial-load'), run(scd2, 'delta-load')]);
  results.set('initial-load', initial);
  results.set('delta-load', delta);
  await generate;
  const taxi = pipeline('nyc-taxi');
  // The source is a pipeline parameter, merged into each job's parameters by the loader.
  const localTaxi = {
    ...taxi,
    jobs: taxi.jobs.map((j) => ({ ...j, parameters: { ...j.parameters, NYC_TAXI_SOURCE: TRIPS_SOURCE } })),
  };
  const [merge, trips] = await Promise.all([run(scd2, 'scd2-merge'), run(localTaxi, 'trips-per-day-zone')]);
  results.set('scd2-merge', merge);
  results.set('trips-per-day-zone', trips);
  const scd2Table = `delta.\`${path.join(WAREHOUSE, 'customer/contacts_scd2')}\``;
  rows = await querySql(
    REPO,
    [
      `SELECT count(*) AS rows_, count_if(NOT is_current AND valid_to IS NOT NULL) AS expired,
         count_if(NOT is_current) AS not_current, count_if(is_current) AS current_, count(DISTINCT id) AS ids
       FROM ${scd2Table}`,
      `SELECT id FROM ${scd2Table} GROUP BY id HAVING count_if(is_current) <> 1`,
      `SELECT CAST(pickup_date AS STRING) AS pickup_date, pickup_month, pickup_zone_id, trips, passengers,
         distance_miles, fares, total_amount, avg_distance_miles
       FROM delta.\`${path.join(WAREHOUSE, 'nyc_taxi/trips_per_day_zone')}\` ORDER BY pickup_date, pickup_zone_id`,
    ],
    path.join(WORK, 'query'),
  );
}, 1_800_000);

describe('customer-scd2 (Arc) end to end', () => {
  test('the loads stage every row of the sample extracts', () => {
    expect(results.get('initial-load')?.rowsWritten).toBe(1000);
    expect(results.get('delta-load')?.rowsWritten).toBe(192);
  });

  test('the merge gives 1,192 rows: 92 expired, 1,100 current, one current row per id (as customer-scd2-sql)', () => {
    expect(rows[0]).toEqual([{ rows_: 1192, expired: 92, not_current: 92, current_: 1100, ids: 1100 }]);
    expect(rows[1]).toEqual([]);
  });
});

describe('nyc-taxi (Arc) on the generated sample', () => {
  test('trips, passengers, distance and fares per pickup day and zone as computed from the sample', () => {
    const expected = expectedDayZones(TRIPS);
    expect(expected.length).toBeGreaterThan(6);
    expect(rows[2].map((r) => [r.pickup_date, r.pickup_zone_id])).toEqual(
      expected.map((e) => [e.pickup_date, e.pickup_zone_id]),
    );
    rows[2].forEach((row, i) => {
      const { avg_distance_miles: avg, ...exact } = expected[i];
      expect(row).toMatchObject(exact);
      expect(row.avg_distance_miles).toBeCloseTo(avg, 3);
    });
    // The invalid records (no pickup time, zero distance, negative fare) are not counted.
    const counted = expected.reduce((a, e) => a + e.trips, 0);
    expect(counted).toBeLessThan(TRIPS.length);
    expect(results.get('trips-per-day-zone')?.rowsWritten).toBe(expected.length);
  });
});
