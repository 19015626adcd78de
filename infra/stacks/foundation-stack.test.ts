import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { bucketName, kmsAliasName } from '../../config';
import { DEV, PROD, devWith, resourcesOf, synthStack, testApp } from '../testing';
import { FoundationStack } from './foundation-stack';

const synth = (env = DEV) => synthStack(new FoundationStack(testApp(), { env }));

describe('FoundationStack', () => {
  const { raw, json } = synth();

  test('is named after the environment', () => {
    expect(new FoundationStack(testApp(), { env: PROD }).node.id).toBe('prod-foundation');
  });

  test('requires Terraform 1.10 or later (S3-native locking, removed blocks)', () => {
    expect((json.terraform as { required_version?: string }).required_version).toBe('>= 1.10');
  });

  test('declares an encrypted, locked S3 backend from the config', () => {
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: 'sqletl-terraform-state-111122223333-us-east-1',
        key: 'sql-etl-on-eks/dev/dev-foundation.tfstate',
        region: 'us-east-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  test('pins the provider to the account and region and tags everything', () => {
    expect(json.provider.aws[0]).toMatchObject({
      region: 'us-east-1',
      allowed_account_ids: ['111122223333'],
      default_tags: [
        { tags: { project: 'sql-etl-on-eks', environment: 'dev', 'sql-etl-on-eks:environment': 'dev' } },
      ],
    });
  });

  test('creates a customer-managed key with rotation and an environment alias', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, KmsKey.tfResourceType, { enable_key_rotation: true }),
    ).toBe(true);
    expect(resourcesOf(json, 'aws_kms_alias').project_key_alias).toMatchObject({ name: kmsAliasName(DEV) });
  });

  test('the key policy names only this account, EC2 on its behalf, and its CloudWatch Logs log groups', () => {
    const statements = json.data!.aws_iam_policy_document.project_key_policy.statement as {
      sid: string;
      principals: { identifiers: string[] }[];
      condition?: { variable: string; values: string[] }[];
    }[];
    expect(statements.map((s) => s.sid)).toEqual([
      'AccountAdministersAndUsesKeyThroughIam',
      'ThisAccountEncryptsVolumesThroughEc2',
      'CloudWatchLogsEncryptsThisAccountsLogGroups',
    ]);
    expect(statements[0].principals[0].identifiers).toEqual(['arn:aws:iam::111122223333:root']);
    // Any principal, but only callers of this account and only through EC2 (as the AWS-managed aws/ebs key does).
    expect(statements[1].condition).toEqual([
      { test: 'StringEquals', variable: 'kms:CallerAccount', values: ['111122223333'] },
      { test: 'StringEquals', variable: 'kms:ViaService', values: ['ec2.us-east-1.amazonaws.com'] },
    ]);
    expect(statements[2].principals[0].identifiers).toEqual(['logs.us-east-1.amazonaws.com']);
    expect(statements[2].condition?.[0].values).toEqual(['arn:aws:logs:us-east-1:111122223333:log-group:*']);
  });

  test('the assets bucket is named by the naming function and cannot be force-destroyed', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, S3Bucket.tfResourceType, {
        bucket: bucketName(DEV, 'assets'),
        force_destroy: false,
      }),
    ).toBe(true);
  });

  test('the assets bucket is encrypted with the project key', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, S3BucketServerSideEncryptionConfigurationA.tfResourceType, {
        bucket: '${aws_s3_bucket.assets_bucket.id}',
        rule: [
          {
            apply_server_side_encryption_by_default: {
              sse_algorithm: 'aws:kms',
              kms_master_key_id: '${aws_kms_key.project_key.arn}',
            },
            bucket_key_enabled: true,
          },
        ],
      }),
    ).toBe(true);
  });

  test('the assets bucket blocks every kind of public access', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, S3BucketPublicAccessBlock.tfResourceType, {
        bucket: '${aws_s3_bucket.assets_bucket.id}',
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    ).toBe(true);
  });

  test('the assets bucket enforces bucket-owner ownership (ACLs off)', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, S3BucketOwnershipControls.tfResourceType, {
        rule: { object_ownership: 'BucketOwnerEnforced' },
      }),
    ).toBe(true);
  });

  test('the assets bucket is versioned', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, S3BucketVersioningA.tfResourceType, {
        versioning_configuration: { status: 'Enabled' },
      }),
    ).toBe(true);
  });

  test('the bucket policy denies every request without TLS or with TLS older than 1.2', () => {
    const policy = resourcesOf(json, 'aws_s3_bucket_policy').assets_bucket_policy;
    expect(policy.policy).toBe('${data.aws_iam_policy_document.assets_bucket_policy_document.json}');
    const statements = json.data!.aws_iam_policy_document.assets_bucket_policy_document.statement;
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          effect: 'Deny',
          actions: ['s3:*'],
          resources: ['${aws_s3_bucket.assets_bucket.arn}', '${aws_s3_bucket.assets_bucket.arn}/*'],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        }),
        expect.objectContaining({
          effect: 'Deny',
          condition: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }],
        }),
      ]),
    );
  });

  test('expires noncurrent versions and incomplete uploads', () => {
    const rules = resourcesOf(json, 'aws_s3_bucket_lifecycle_configuration').assets_bucket_lifecycle.rule;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }),
        expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 90 }] }),
      ]),
    );
  });

  test('Terraform addresses carry no hash suffix', () => {
    const names = Object.values(json.resource).flatMap((byName) => Object.keys(byName));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(raw).not.toMatch(/_[0-9A-F]{8}"/);
  });

  test('another prefix gives other physical names', () => {
    const other = synth(devWith({ prefix: 'other' })).json;
    expect(resourcesOf(other, 'aws_s3_bucket').assets_bucket.bucket).toBe(
      'other-dev-assets-111122223333-us-east-1',
    );
  });

  test('the logs bucket uses SSE-S3, because S3 server access logging cannot write to an SSE-KMS bucket', () => {
    expect(resourcesOf(json, 'aws_s3_bucket').logs_bucket).toEqual({
      bucket: bucketName(DEV, 'logs'),
      force_destroy: false,
    });
    expect(
      resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration').logs_bucket_encryption,
    ).toEqual({
      bucket: '${aws_s3_bucket.logs_bucket.id}',
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
  });

  test('the logs bucket is private, owner-enforced, unversioned and expires logs after the configured days', () => {
    expect(
      resourcesOf(json, 'aws_s3_bucket_public_access_block').logs_bucket_public_access_block,
    ).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(resourcesOf(json, 'aws_s3_bucket_ownership_controls').logs_bucket_ownership).toMatchObject({
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
    expect(resourcesOf(json, 'aws_s3_bucket_versioning').logs_bucket_versioning).toMatchObject({
      versioning_configuration: { status: 'Disabled' },
    });
    const rules = resourcesOf(json, 'aws_s3_bucket_lifecycle_configuration').logs_bucket_lifecycle.rule;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'expire-current-objects', expiration: [{ days: 365 }] }),
      ]),
    );
    const custom = synth(devWith({ data: { accessLogExpirationDays: 30 } })).json;
    expect(resourcesOf(custom, 'aws_s3_bucket_lifecycle_configuration').logs_bucket_lifecycle.rule).toEqual(
      expect.arrayContaining([expect.objectContaining({ expiration: [{ days: 30 }] })]),
    );
  });

  test('the assets bucket logs its access into the logs bucket under s3/<bucket-name>/', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, S3BucketLoggingA.tfResourceType, {
        bucket: '${aws_s3_bucket.assets_bucket.id}',
        target_bucket: '${aws_s3_bucket.logs_bucket.bucket}',
        target_prefix: `s3/${bucketName(DEV, 'assets')}/`,
      }),
    ).toBe(true);
    expect(resourcesOf(json, 'aws_s3_bucket_logging').assets_bucket_access_logs.depends_on).toEqual([
      'aws_s3_bucket_policy.logs_bucket_policy',
    ]);
    // The logs bucket does not log into itself.
    expect(Object.keys(resourcesOf(json, 'aws_s3_bucket_logging'))).toEqual(['assets_bucket_access_logs']);
  });

  test('the logs bucket policy lets only the S3 and CloudFront log delivery of this account write', () => {
    const statements = json.data!.aws_iam_policy_document.logs_bucket_policy_document.statement as {
      sid: string;
      effect: string;
      principals: { type: string; identifiers: string[] }[];
      actions: string[];
      resources: string[];
      condition?: { test: string; variable: string; values: string[] }[];
    }[];
    const allows = statements.filter((s) => s.effect === 'Allow');
    expect(allows).toEqual([
      {
        sid: 'S3ServerAccessLogsFromThisDeployment',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
        actions: ['s3:PutObject'],
        resources: ['arn:aws:s3:::sqletl-dev-logs-111122223333-us-east-1/s3/*'],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111122223333'] },
          {
            test: 'ArnLike',
            variable: 'aws:SourceArn',
            values: ['arn:aws:s3:::sqletl-dev-*-111122223333-us-east-1'],
          },
        ],
      },
      {
        sid: 'CloudFrontAccessLogsFromThisAccount',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] }],
        actions: ['s3:PutObject'],
        resources: ['arn:aws:s3:::sqletl-dev-logs-111122223333-us-east-1/cloudfront/*'],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111122223333'] },
          { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] },
          {
            test: 'ArnLike',
            variable: 'aws:SourceArn',
            values: ['arn:aws:logs:us-east-1:111122223333:delivery-source:*'],
          },
        ],
      },
    ]);
    // The TLS-only denials still apply to the logs bucket.
    expect(statements.filter((s) => s.effect === 'Deny').map((s) => s.sid)).toEqual([
      'DenyInsecureTransport',
      'DenyOutdatedTls',
    ]);
  });

  test('noncurrent versions of the assets bucket expire after the configured days', () => {
    const custom = synth(devWith({ data: { noncurrentVersionExpirationDays: 14 } })).json;
    expect(resourcesOf(custom, 'aws_s3_bucket_lifecycle_configuration').assets_bucket_lifecycle.rule).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 14 }] }),
      ]),
    );
  });

  test('outputs the bucket names and the key ARN, each with a description', () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual([
      'assets_bucket_name',
      'kms_key_arn',
      'logs_bucket_name',
    ]);
    for (const output of Object.values(json.output ?? {})) {
      expect((output as { description?: string }).description).toMatch(/\w+/);
    }
  });

  test('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });
});
