import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { checkStatement, type PolicyStatement } from './iam';

/** Where a bucket's S3 server access logs go. */
export interface AccessLogTarget {
  /** The access-logs bucket (SSE-S3 encrypted: S3 server access logging cannot write to an SSE-KMS bucket). */
  readonly bucket: S3Bucket;
  /** Key prefix of this bucket's log objects, e.g. `s3/<bucket-name>/`. */
  readonly prefix: string;
}

/** A bucket-policy statement: a {@link PolicyStatement} plus the principal it applies to. */
export interface BucketPolicyStatement extends PolicyStatement {
  /** Who the statement is about: AWS service principals (`Service`) or IAM principal ARNs (`AWS`). */
  readonly principal: { readonly type: 'Service' | 'AWS'; readonly identifiers: readonly string[] };
}

/** Default encryption of a {@link SecureBucket}. */
export type BucketEncryption = 'kms' | 's3';

/** Props of {@link SecureBucket}. */
export interface SecureBucketProps {
  /** Physical bucket name, from the config/ naming functions. */
  readonly bucketName: string;
  /**
   * Default encryption: `'kms'` (SSE-KMS with {@link SecureBucketProps.key}) or `'s3'` (SSE-S3, AES256). Use
   * `'s3'` only for the S3 server access logs bucket: S3 server access logging cannot deliver to a destination
   * bucket whose default encryption is SSE-KMS.
   * @default 'kms'
   */
  readonly encryption?: BucketEncryption;
  /**
   * Customer-managed key for default encryption; required when `encryption` is `'kms'`, not allowed with `'s3'`.
   * @default - none (only valid with `encryption: 's3'`)
   */
  readonly key?: KmsKey;
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
  /**
   * Days after which current objects expire (disposable content such as query results or logs).
   * @default - current objects never expire
   */
  readonly expirationDays?: number;
  /**
   * Write S3 server access logs of this bucket to another bucket.
   * @default - no access logging
   */
  readonly accessLogs?: AccessLogTarget;
  /**
   * Statements added to the bucket policy after the TLS-only denials (checked like IAM statements: no `*` action,
   * no `*` resource).
   * @default []
   */
  readonly extraPolicyStatements?: readonly BucketPolicyStatement[];
}

/**
 * An S3 bucket that is private and encrypted by construction: KMS default encryption with the project key (bucket
 * keys on), every public access path blocked, ACLs disabled (owner enforced), TLS 1.2+ required by policy,
 * versioning, and a lifecycle rule that bounds noncurrent versions and incomplete uploads. Optionally access-logged
 * and with expiring current objects.
 */
export class SecureBucket extends Construct {
  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** The bucket policy: the TLS-only denials plus {@link SecureBucketProps.extraPolicyStatements}. */
  public readonly policy: S3BucketPolicy;
  /** The default encryption the bucket uses. */
  public readonly encryption: BucketEncryption;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const versioned = props.versioned ?? true;
    this.encryption = props.encryption ?? 'kms';
    if (this.encryption === 'kms' && props.key === undefined) {
      throw new Error(
        `${this.node.path}: bucket '${props.bucketName}' uses KMS encryption but no key was given; pass the ` +
          "project key (ProjectKey.key), or encryption: 's3' only for an S3 server access logs bucket",
      );
    }
    if (this.encryption === 's3' && props.key !== undefined) {
      throw new Error(
        `${this.node.path}: bucket '${props.bucketName}' uses SSE-S3 encryption, so the KMS key would be ignored; ` +
          "drop the key or use encryption: 'kms'",
      );
    }

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
        this.encryption === 'kms'
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.key!.arn },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    new S3BucketVersioningA(this, 'Versioning', {
      bucket,
      // 'Disabled' (never versioned) rather than 'Suspended': the bucket is new, and a suspended bucket would keep
      // writing delete markers on expiry.
      versioningConfiguration: { status: versioned ? 'Enabled' : 'Disabled' },
    });

    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: 'abort-incomplete-multipart-uploads',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      },
    ];
    if (versioned) {
      rules.push({
        id: 'expire-noncurrent-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? 90 }],
      });
    }
    if (props.expirationDays !== undefined) {
      rules.push({
        id: 'expire-current-objects',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        expiration: [{ days: props.expirationDays }],
      });
    }
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', { bucket, rule: rules });

    if (props.accessLogs !== undefined) {
      const target = props.accessLogs.bucket;
      const sameStack = TerraformStack.of(target) === TerraformStack.of(this);
      const targetOwner = target.node.scope;
      new S3BucketLoggingA(this, 'AccessLogs', {
        bucket,
        // In the same stack, a reference orders the target bucket first. From another stack, the target's name as
        // configured (computed from config): no cross-stack output for a value that is known at synth time.
        targetBucket: sameStack ? target.bucket : (target.bucketInput ?? target.bucket),
        targetPrefix: props.accessLogs.prefix,
        // Logging starts only once the target's policy lets the S3 logging service write.
        dependsOn: sameStack && targetOwner instanceof SecureBucket ? [targetOwner.policy] : undefined,
      });
    }

    const extra = props.extraPolicyStatements ?? [];
    extra.forEach((s) => checkStatement(this.node.path, s));
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
        ...extra.map((s): DataAwsIamPolicyDocumentStatement => ({
          sid: s.sid,
          effect: s.effect ?? 'Allow',
          principals: [{ type: s.principal.type, identifiers: [...s.principal.identifiers] }],
          actions: [...s.actions],
          resources: [...s.resources],
          condition: s.conditions?.map((c) => ({
            test: c.test,
            variable: c.variable,
            values: [...c.values],
          })),
        })),
      ],
    });
    this.policy = new S3BucketPolicy(this, 'Policy', { bucket, policy: document.json });
  }
}
