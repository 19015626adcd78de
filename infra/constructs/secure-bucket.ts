import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';

/** Props of {@link SecureBucket}. */
export interface SecureBucketProps {
  /** Physical bucket name, from the config/ naming functions. */
  readonly bucketName: string;
  /** Customer-managed key for default encryption. */
  readonly key: KmsKey;
  /**
   * Keep every object version, so an overwrite or delete can be undone.
   * @default true
   */
  readonly versioned?: boolean;
  /**
   * Days a noncurrent object version is kept before it expires (versioned buckets only).
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
}

/**
 * An S3 bucket that is private and encrypted by construction: KMS default encryption with the project key (bucket
 * keys on), every public access path blocked, ACLs disabled (owner enforced), TLS 1.2+ required by policy,
 * versioning, and a lifecycle rule that bounds noncurrent versions and incomplete uploads.
 */
export class SecureBucket extends Construct {
  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** The bucket policy; statements added later go through {@link SecureBucket.policyStatements}. */
  public readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const versioned = props.versioned ?? true;

    this.bucket = new S3Bucket(this, 'Resource', {
      bucket: props.bucketName,
      // A bucket with data is never deleted by `terraform destroy`; empty it deliberately first.
      forceDestroy: false,
    });
    const bucket = this.bucket.id;

    new S3BucketOwnershipControls(this, 'Ownership', {
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.key.arn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketVersioningA(this, 'Versioning', {
      bucket,
      versioningConfiguration: { status: versioned ? 'Enabled' : 'Suspended' },
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket,
      rule: [
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
        ...(versioned
          ? [
              {
                id: 'expire-noncurrent-versions',
                status: 'Enabled',
                filter: [{ prefix: '' }],
                noncurrentVersionExpiration: [
                  { noncurrentDays: props.noncurrentVersionExpirationDays ?? 90 },
                ],
              },
            ]
          : []),
      ],
    });

    const document = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        {
          sid: 'DenyOutdatedTls',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }],
        },
      ],
    });
    this.policy = new S3BucketPolicy(this, 'Policy', { bucket, policy: document.json });
  }
}
