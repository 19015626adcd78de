import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Testing, TerraformStack } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { resourcesOf, testApp, type TerraformJson } from '../testing';
import { SecureBucket, type SecureBucketProps } from './secure-bucket';

function stackWith(
  props: Omit<SecureBucketProps, 'bucketName' | 'key'> & { withKey?: boolean },
): TerraformJson {
  const stack = new TerraformStack(testApp(), 'test');
  const { withKey = true, ...rest } = props;
  const key = withKey ? new KmsKey(stack, 'Key', {}) : undefined;
  new SecureBucket(stack, 'Bucket', { bucketName: 'example-bucket', key, ...rest });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

describe('SecureBucket', () => {
  test('defaults to SSE-KMS with the given key and versioning, without expiry or access logging', () => {
    const json = stackWith({});
    const [encryption] = Object.values(
      resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration'),
    );
    expect(encryption.rule).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: 'aws:kms',
          kms_master_key_id: '${aws_kms_key.Key.arn}',
        },
        bucket_key_enabled: true,
      },
    ]);
    const [versioning] = Object.values(resourcesOf(json, 'aws_s3_bucket_versioning'));
    expect(versioning.versioning_configuration).toEqual({ status: 'Enabled' });
    const [lifecycle] = Object.values(resourcesOf(json, 'aws_s3_bucket_lifecycle_configuration'));
    expect((lifecycle.rule as { id: string }[]).map((r) => r.id)).toEqual([
      'abort-incomplete-multipart-uploads',
      'expire-noncurrent-versions',
    ]);
    expect(resourcesOf(json, 'aws_s3_bucket_logging')).toEqual({});
  });

  test('expirationDays adds a rule that expires current objects', () => {
    const json = stackWith({ expirationDays: 3, versioned: false });
    const [lifecycle] = Object.values(resourcesOf(json, 'aws_s3_bucket_lifecycle_configuration'));
    expect(lifecycle.rule).toEqual([
      expect.objectContaining({ id: 'abort-incomplete-multipart-uploads' }),
      expect.objectContaining({ id: 'expire-current-objects', expiration: [{ days: 3 }] }),
    ]);
  });

  test('a target in another stack is referenced by its configured name (no cross-stack output)', () => {
    const app = testApp();
    const logsStack = new TerraformStack(app, 'logs');
    const logs = new SecureBucket(logsStack, 'Logs', { bucketName: 'example-logs', encryption: 's3' });
    const stack = new TerraformStack(app, 'user');
    new SecureBucket(stack, 'Bucket', {
      bucketName: 'example-bucket',
      key: new KmsKey(stack, 'Key', {}),
      accessLogs: { bucket: logs.bucket, prefix: 's3/example-bucket/' },
    });
    stack.prepareStack();
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect(Object.values(resourcesOf(json, 'aws_s3_bucket_logging'))).toEqual([
      expect.objectContaining({ target_bucket: 'example-logs', target_prefix: 's3/example-bucket/' }),
    ]);
    expect(json.data?.terraform_remote_state).toBeUndefined();
  });

  test("fails when encryption is 'kms' and no key is given", () => {
    expect(() => stackWith({ withKey: false })).toThrow(/uses KMS encryption but no key was given/);
    expect(() => stackWith({ withKey: false, encryption: 'kms' })).toThrow(/pass the project key/);
  });

  test("fails when encryption is 's3' and a key is given", () => {
    expect(() => stackWith({ encryption: 's3' })).toThrow(/the KMS key would be ignored/);
  });

  test('fails when an extra policy statement grants a service-wide action', () => {
    expect(() =>
      stackWith({
        extraPolicyStatements: [
          {
            sid: 'TooBroad',
            principal: { type: 'Service', identifiers: ['logging.s3.amazonaws.com'] },
            actions: ['s3:*'],
            resources: ['arn:aws:s3:::example-bucket/*'],
          },
        ],
      }),
    ).toThrow(/TooBroad grants 's3:\*'/);
  });
});
