import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { asObject, at } from './model';
import { createS3LocationsCheck, EXTERNAL_LOCATIONS_FILE, s3LocationsCheck } from './s3-locations';
import { copyDist, editJson, lines, replaceText, runOn, setIn } from './testing';

const NYC_TAXI = 'k8s/prod/prod-pipelines/WorkflowTemplate.nyc-taxi.yaml';
const SPARK_APP =
  'WorkflowTemplate/team-data-platform/nyc-taxi templates[1] SparkApplication/team-data-platform/{{workflow.name}}-trips-per-day-zone';
const JOB =
  's3a://sqletl-prod-assets-111122223333-us-east-1/jobs/95c106e3df3f4198/jobs/nyc-taxi/trips_per_day_zone.ipynb';

/** An allow-list file next to a copied dist/. */
function allowList(dist: string, text: string): string {
  const file = path.join(path.dirname(dist), 'external-locations.yaml');
  fs.writeFileSync(file, text);
  return file;
}

describe('s3-locations', () => {
  test('every S3 URI of the committed dist/ is a Terraform bucket, an uploaded job object or allowed', () => {
    const result = runOn(s3LocationsCheck);
    expect(lines(result)).toEqual([]);
    expect(result.checked).toBeGreaterThan(100);
  });

  test('the shipped allow-list is empty: every sample, nyc-taxi included, reads its environment’s own buckets', () => {
    const text = fs.readFileSync(EXTERNAL_LOCATIONS_FILE, 'utf8');
    expect(parse(text)).toEqual({ locations: [] });
  });

  test('fails when the nyc-taxi source points at the public TLC bucket again (it no longer serves listings)', () => {
    const dist = copyDist();
    replaceText(
      dist,
      NYC_TAXI,
      '--ETL_CONF_NYC_TAXI_SOURCE=raw/nyc-tlc/yellow/2024/',
      '--ETL_CONF_NYC_TAXI_SOURCE=s3a://nyc-tlc/trip data/',
    );
    expect(lines(runOn(s3LocationsCheck, dist))).toEqual([
      expect.stringMatching(
        /^dist\/k8s\/prod\/prod-pipelines\/WorkflowTemplate\.nyc-taxi\.yaml .* s3a:\/\/nyc-tlc\/trip points into bucket "nyc-tlc", which no aws_s3_bucket of prod defines, is not its data lake bucket and is not listed in .*external-locations\.yaml/,
      ),
    ]);
  });

  test('fails on a job URI whose content hash the assets stack never uploaded', () => {
    const dist = copyDist();
    replaceText(dist, NYC_TAXI, '/jobs/95c106e3df3f4198/', '/jobs/0000000000000000/');
    expect(lines(runOn(s3LocationsCheck, dist))).toEqual([
      `dist/${NYC_TAXI}  ${SPARK_APP}  spec.arguments[0]: s3://sqletl-prod-assets-111122223333-us-east-1/jobs/` +
        '0000000000000000/jobs/nyc-taxi/trips_per_day_zone.ipynb is not an object the prod-assets stack uploads ' +
        '(aws_s3_object); that file is uploaded as jobs/95c106e3df3f4198/jobs/nyc-taxi/trips_per_day_zone.ipynb ' +
        '(stale content hash?)',
    ]);
  });

  test('fails when the assets stack stops uploading a job a manifest runs', () => {
    const dist = copyDist();
    editJson(dist, 'terraform/stacks/prod-assets/cdk.tf.json', (json) => {
      const objects = asObject(at(json, ['resource', 'aws_s3_object'])) ?? {};
      for (const [name, object] of Object.entries(objects)) {
        if (String(asObject(object)?.key).endsWith('/trips_per_day_zone.ipynb')) delete objects[name];
      }
    });
    expect(lines(runOn(s3LocationsCheck, dist))).toEqual([
      `dist/${NYC_TAXI}  ${SPARK_APP}  spec.arguments[0]: ${JOB.replace('s3a://', 's3://')} is not an object the ` +
        'prod-assets stack uploads (aws_s3_object)',
    ]);
  });

  test('fails on a bucket no Terraform defines, and on a bucket of the other environment', () => {
    const dist = copyDist();
    replaceText(
      dist,
      NYC_TAXI,
      's3a://sqletl-prod-datalake-111122223333-us-east-1/spark-event-logs/',
      's3a://sqletl-dev-datalake-111122223333-us-east-1/spark-event-logs/',
    );
    const found = lines(runOn(s3LocationsCheck, dist));
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(
      /^dist\/k8s\/prod\/prod-pipelines\/WorkflowTemplate\.nyc-taxi\.yaml {2}WorkflowTemplate\/team-data-platform\/nyc-taxi templates\[1\] SparkApplication\/.* s3a:\/\/sqletl-dev-datalake-111122223333-us-east-1\/spark-event-logs\/ points into bucket "sqletl-dev-datalake-111122223333-us-east-1", which no aws_s3_bucket of prod defines, is not its data lake bucket and is not listed in .*external-locations\.yaml; buckets: .*sqletl-prod-datalake/,
    );
  });

  test('accepts the data lake bucket the data stack names without managing it (existing bucket)', () => {
    const dist = copyDist();
    editJson(dist, 'terraform/stacks/prod-data/cdk.tf.json', (json) => {
      setIn(json, ['resource', 'aws_s3_bucket', 'datalake_bucket'], undefined);
    });
    expect(lines(runOn(s3LocationsCheck, dist))).toEqual([]);
  });

  test('reports external locations that are not allowed, entries without a reason and stale entries', () => {
    const dist = copyDist();
    for (const env of ['dev', 'prod']) {
      replaceText(
        dist,
        `k8s/${env}/${env}-pipelines/WorkflowTemplate.nyc-taxi.yaml`,
        '--ETL_CONF_NYC_TAXI_SOURCE=raw/nyc-tlc/yellow/2024/',
        '--ETL_CONF_NYC_TAXI_SOURCE=s3a://nyc-tlc/trip data/',
      );
    }
    const file = allowList(
      dist,
      'locations:\n  - uri: s3://nyc-tlc/\n  - uri: s3://gone-bucket/\n    reason: no longer read\n',
    );
    const found = lines(runOn(createS3LocationsCheck(file), dist));
    expect(found).toEqual(
      expect.arrayContaining([
        'external-locations.yaml  locations[0]  each entry needs the strings uri, reason (optional: env); missing: reason',
        'external-locations.yaml  locations[1]  stale entry: no manifest of dist/ references s3://gone-bucket/; remove it',
        expect.stringMatching(
          /^dist\/k8s\/dev\/dev-pipelines\/WorkflowTemplate\.nyc-taxi\.yaml .* s3a:\/\/nyc-tlc\/trip points into bucket "nyc-tlc", which no aws_s3_bucket of dev defines/,
        ),
      ]),
    );
  });
});
