/**
 * A small, deterministic stand-in for the NYC TLC yellow taxi trip records (the columns the nyc-taxi notebook reads),
 * for the local run of etl/jobs/nyc-taxi/trips_per_day_zone.ipynb: no download. Amounts are multiples of 0.25 and
 * distances of 0.5, so sums are exact in binary floating point and the expected aggregates need no rounding care.
 */

/** One trip, as the TLC's Parquet files have it (the columns the notebook uses). */
export interface TaxiTrip {
  /** `yyyy-MM-dd HH:mm:ss`, UTC; null: a record without a pickup time (the notebook drops it). */
  readonly tpep_pickup_datetime: string | null;
  readonly PULocationID: number;
  readonly passenger_count: number;
  readonly trip_distance: number;
  readonly fare_amount: number;
  readonly total_amount: number;
}

/** A linear congruential generator: the same trips on every machine. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * `count` trips over three days in January 2024 and four pickup zones, about one in ten of them one the notebook
 * must drop (no pickup time, zero distance or a negative fare).
 */
export function taxiTrips(count = 240): TaxiTrip[] {
  const next = generator(20240101);
  const pick = (n: number) => Math.floor(next() * n);
  const zones = [132, 138, 161, 237];
  return Array.from({ length: count }, (_, i): TaxiTrip => {
    const day = 1 + pick(3);
    const hour = pick(24);
    const minute = pick(60);
    const invalid = i % 10 === 9 ? i % 3 : -1;
    const distance = invalid === 1 ? 0 : 0.5 * (1 + pick(30));
    const fare = invalid === 2 ? -2.5 : 0.25 * (10 + pick(200));
    return {
      tpep_pickup_datetime:
        invalid === 0
          ? null
          : `2024-01-0${day} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`,
      PULocationID: zones[pick(zones.length)],
      passenger_count: 1 + pick(4),
      trip_distance: distance,
      fare_amount: fare,
      total_amount: fare + 0.25 * pick(40),
    };
  });
}

/** The trips as CSV with a header (empty field: null). */
export function taxiTripsCsv(trips: readonly TaxiTrip[]): string {
  const columns = Object.keys(trips[0]) as (keyof TaxiTrip)[];
  const lines = trips.map((t) => columns.map((c) => (t[c] === null ? '' : String(t[c]))).join(','));
  return [columns.join(','), ...lines].join('\n') + '\n';
}

/** One row of trips_per_day_zone. */
export interface DayZone {
  readonly pickup_date: string;
  readonly pickup_month: string;
  readonly pickup_zone_id: number;
  readonly trips: number;
  readonly passengers: number;
  readonly distance_miles: number;
  readonly fares: number;
  readonly total_amount: number;
  readonly avg_distance_miles: number;
}

/**
 * The aggregates the notebook must produce, computed here from the trips (not from the job): per pickup day and
 * zone over the trips with a pickup time, a positive distance and a non-negative fare; sorted by day and zone.
 */
export function expectedDayZones(trips: readonly TaxiTrip[]): DayZone[] {
  const groups = new Map<string, TaxiTrip[]>();
  for (const t of trips) {
    if (t.tpep_pickup_datetime === null || !(t.trip_distance > 0) || !(t.fare_amount >= 0)) continue;
    const key = `${t.tpep_pickup_datetime.slice(0, 10)}|${t.PULocationID}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const sum = (list: readonly TaxiTrip[], f: (t: TaxiTrip) => number) => list.reduce((a, t) => a + f(t), 0);
  return [...groups.entries()]
    .map(([key, list]): DayZone => {
      const [date, zone] = key.split('|');
      const distance = sum(list, (t) => t.trip_distance);
      return {
        pickup_date: date,
        pickup_month: date.slice(0, 7),
        pickup_zone_id: Number(zone),
        trips: list.length,
        passengers: sum(list, (t) => t.passenger_count),
        distance_miles: distance,
        fares: sum(list, (t) => t.fare_amount),
        total_amount: sum(list, (t) => t.total_amount),
        avg_distance_miles: Math.round((distance / list.length) * 1000) / 1000,
      };
    })
    .sort((a, b) => a.pickup_date.localeCompare(b.pickup_date) || a.pickup_zone_id - b.pickup_zone_id);
}
