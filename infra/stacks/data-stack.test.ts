import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { athenaWorkgroupName, bucketName, glueDatabaseName, type EnvironmentConfig } from '../../config';
import { DEV, PROD, devWith, resourcesOf, synthStack, testApp } from '../testing';
import { DataStack } from './data-stack';
import { FoundationStack } from './foundation-stack';

function build(env: EnvironmentConfig = DEV): DataStack {
  const app = testApp();
  const foundation = new FoundationStack(app, { env });
  return new DataStack(app, { env, foundation });
}

/**
 * Synthesizes the data stack alone. `prepareStack()` first: it resolves the cross-stack reference to the foundation's
 * KMS key ARN into a remote-state lookup, as `app.synth()` does (plain `Testing.synth` would leave a dangling
 * `aws_kms_key` reference).
 */
function synthData(stack: DataStack) {
  stack.prepareStack();
  return synthStack(stack);
}

const synth = (env: EnvironmentConfig = DEV) => synthData(build(env));

/** The foundation's key ARN as the data stack reads it from the foundation's state. */
const KEY_ARN =
  '${data.terraform_remote_state.cross_stack_reference_input_dev_foundation.outputs.cross_stack_output_aws_kms_key_project_key_arn}';

type Statement = {
  sid: string;
  effect: string;
  condition?: { test: string; variable: string; values: string[] }[];
};

describe('DataStack', () => {
  const stack = build();
  const { raw, json } = synthData(stack);
  const datalake = bucketName(DEV, 'datalake');
  const results = bucketName(DEV, 'athena-results');

  test('is named after the environment and exposes the data lake bucket name', () => {
    expect(build(PROD).node.id).toBe('prod-data');
    expect(stack.datalakeBucketName).toBe(datalake);
    expect(stack.datalakeBucket?.bucket.bucketInput).toBe(datalake);
  });

  test('the data lake bucket is KMS-encrypted with the project key from the foundation stack', () => {
    expect(resourcesOf(json, 'aws_s3_bucket').datalake_bucket).toEqual({
      bucket: datalake,
      force_destroy: false,
    });
    const encryption = resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration')
      .datalake_bucket_encryption as {
      rule: {
        apply_server_side_encryption_by_default: { sse_algorithm: string; kms_master_key_id: string };
      }[];
    };
    expect(encryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    // A cross-stack reference to the key ARN (AWS generates it), resolved through the foundation's state.
    expect(encryption.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toBe(KEY_ARN);
    expect(json.data?.terraform_remote_state.cross_stack_reference_input_dev_foundation).toMatchObject({
      backend: 's3',
      config: { key: 'sql-etl-on-eks/dev/dev-foundation.tfstate' },
    });
  });

  test('the data lake bucket blocks public access, requires TLS and is versioned', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, S3BucketPublicAccessBlock.tfResourceType, {
        bucket: '${aws_s3_bucket.datalake_bucket.id}',
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    ).toBe(true);
    const statements = json.data!.aws_iam_policy_document.datalake_bucket_policy_document
      .statement as Statement[];
    expect(statements.map((s) => [s.sid, s.effect])).toEqual([
      ['DenyInsecureTransport', 'Deny'],
      ['DenyOutdatedTls', 'Deny'],
    ]);
    expect(statements[0].condition).toEqual([
      { test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] },
    ]);
    expect(resourcesOf(json, 'aws_s3_bucket_versioning').datalake_bucket_versioning).toMatchObject({
      versioning_configuration: { status: 'Enabled' },
    });
    expect(resourcesOf(json, 'aws_s3_bucket_lifecycle_configuration').datalake_bucket_lifecycle.rule).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 90 }] }),
      ]),
    );
  });

  test('both buckets log their access into the foundation logs bucket by name, not by cross-stack output', () => {
    for (const [resource, name] of [
      ['datalake_bucket', datalake],
      ['athena_results_bucket', results],
    ]) {
      expect(
        Testing.toHaveResourceWithProperties(raw, S3BucketLoggingA.tfResourceType, {
          bucket: `\${aws_s3_bucket.${resource}.id}`,
          target_bucket: bucketName(DEV, 'logs'),
          target_prefix: `s3/${name}/`,
        }),
      ).toBe(true);
    }
  });

  test('the Athena results bucket is KMS-encrypted, unversioned and expires results after the configured days', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, S3Bucket.tfResourceType, {
        bucket: results,
        force_destroy: false,
      }),
    ).toBe(true);
    const encryption = resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration')
      .athena_results_bucket_encryption as { rule: { apply_server_side_encryption_by_default: object }[] };
    expect(encryption.rule[0].apply_server_side_encryption_by_default).toMatchObject({
      sse_algorithm: 'aws:kms',
    });
    expect(resourcesOf(json, 'aws_s3_bucket_versioning').athena_results_bucket_versioning).toMatchObject({
      versioning_configuration: { status: 'Disabled' },
    });
    expect(
      resourcesOf(json, 'aws_s3_bucket_lifecycle_configuration').athena_results_bucket_lifecycle.rule,
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'expire-current-objects', expiration: [{ days: 30 }] }),
      ]),
    );
    const custom = synth(devWith({ data: { athenaResultsExpirationDays: 7 } })).json;
    expect(
      resourcesOf(custom, 'aws_s3_bucket_lifecycle_configuration').athena_results_bucket_lifecycle.rule,
    ).toEqual(expect.arrayContaining([expect.objectContaining({ expiration: [{ days: 7 }] })]));
  });

  test('the Athena workgroup enforces its configuration, KMS-encrypts results in the results bucket and pins the engine', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, AthenaWorkgroup.tfResourceType, {
        name: athenaWorkgroupName(DEV),
        force_destroy: false,
        configuration: {
          enforce_workgroup_configuration: true,
          publish_cloudwatch_metrics_enabled: true,
          bytes_scanned_cutoff_per_query: 10 * 1024 ** 3,
          engine_version: { selected_engine_version: 'Athena engine version 3' },
          result_configuration: {
            output_location: `s3://${results}/results/`,
            expected_bucket_owner: '111122223333',
            encryption_configuration: { encryption_option: 'SSE_KMS' },
          },
        },
      }),
    ).toBe(true);
    const workgroup = resourcesOf(json, 'aws_athena_workgroup').athena_workgroup as {
      configuration: { result_configuration: { encryption_configuration: { kms_key_arn: string } } };
    };
    expect(workgroup.configuration.result_configuration.encryption_configuration.kms_key_arn).toBe(KEY_ARN);
  });

  test('the Athena scan cutoff comes from the config', () => {
    const custom = synth(devWith({ data: { athenaBytesScannedCutoff: 1024 ** 3 } })).json;
    const workgroup = resourcesOf(custom, 'aws_athena_workgroup').athena_workgroup as {
      configuration: { bytes_scanned_cutoff_per_query: number };
    };
    expect(workgroup.configuration.bytes_scanned_cutoff_per_query).toBe(1024 ** 3);
  });

  test('the Glue database is named by the naming function and located under the data lake tables prefix', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, GlueCatalogDatabase.tfResourceType, {
        name: glueDatabaseName(DEV),
        location_uri: `s3://${datalake}/warehouse/`,
      }),
    ).toBe(true);
    expect(resourcesOf(json, 'aws_glue_catalog_database').glue_database.description).toMatch(/ETL tables/);
    // Account-wide settings would collide between deployments sharing an account.
    expect(json.resource.aws_glue_data_catalog_encryption_settings).toBeUndefined();
  });

  test('with an existing data lake bucket, no bucket is managed and the Glue location points at it', () => {
    const external = build(devWith({ data: { existingDatalakeBucket: 'corp-lake' } }));
    const { json: ext } = synthData(external);
    expect(external.datalakeBucketName).toBe('corp-lake');
    expect(external.datalakeBucket).toBeUndefined();
    expect(Object.keys(resourcesOf(ext, 'aws_s3_bucket'))).toEqual(['athena_results_bucket']);
    expect(Object.keys(resourcesOf(ext, 'aws_s3_bucket_logging'))).toEqual([
      'athena_results_bucket_access_logs',
    ]);
    expect(JSON.stringify(ext)).not.toContain(datalake);
    expect(Object.keys(resourcesOf(ext, 'aws_s3_object'))).toEqual(['spark_event_log_directory']);
    expect(resourcesOf(ext, 'aws_glue_catalog_database').glue_database.location_uri).toBe(
      's3://corp-lake/warehouse/',
    );
    expect(ext.output?.datalake_bucket_name.value).toBe('corp-lake');
  });

  test('creates the Spark event-log directory marker, KMS-encrypted, in the kit’s or an existing data lake bucket', () => {
    expect(resourcesOf(json, 'aws_s3_object').spark_event_log_directory).toEqual({
      bucket: datalake,
      key: 'spark-event-logs/',
      content: '',
      content_type: 'application/x-directory',
      server_side_encryption: 'aws:kms',
      kms_key_id: KEY_ARN,
      bucket_key_enabled: true,
      depends_on: ['aws_s3_bucket.datalake_bucket'],
    });
    const { json: ext } = synthData(build(devWith({ data: { existingDatalakeBucket: 'corp-lake' } })));
    expect(resourcesOf(ext, 'aws_s3_object').spark_event_log_directory).toMatchObject({
      bucket: 'corp-lake',
      key: 'spark-event-logs/',
    });
  });

  test('outputs the data lake, results bucket, Glue database and workgroup, each with a description', () => {
    const outputs = json.output as Record<string, { value: unknown; description: string }>;
    expect(outputs.datalake_bucket_name).toMatchObject({ value: datalake });
    expect(outputs.athena_results_bucket_name).toMatchObject({ value: results });
    expect(outputs.glue_database_name.value).toBe('${aws_glue_catalog_database.glue_database.name}');
    expect(outputs.athena_workgroup_name.value).toBe('${aws_athena_workgroup.athena_workgroup.name}');
    for (const output of Object.values(outputs)) expect(output.description).toMatch(/\w+/);
  });

  test('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });
});
