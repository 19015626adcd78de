import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { bucketArn, bucketName, partition, resourcePrefix } from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import { ProjectKey } from '../constructs/project-key';
import { SecureBucket, type AccessLogTarget } from '../constructs/secure-bucket';

/** Props of {@link FoundationStack}. */
export type FoundationStackProps = EnvironmentStackProps;

/** Key prefix under which S3 server access logs land in the logs bucket: `s3/<source-bucket>/`. */
const ACCESS_LOG_ROOT = 's3/';

/**
 * What every other unit needs first: the project KMS key, the ETL assets bucket and the bucket that receives the
 * S3 server access logs of every bucket the kit creates.
 */
export class FoundationStack extends EnvironmentStack {
  /** The customer-managed key. */
  public readonly projectKey: ProjectKey;
  /** Bucket for ETL job files, runners and image build sources (content-addressed keys). */
  public readonly assets: SecureBucket;
  /** Destination of the S3 server access logs (SSE-S3, see below); writable only by the S3 logging service. */
  public readonly logs: SecureBucket;

  constructor(scope: Construct, props: FoundationStackProps) {
    super(scope, 'foundation', props);
    const { env } = props;

    this.projectKey = new ProjectKey(this, 'ProjectKey', { env });

    const logsArn = bucketArn(env, 'logs');
    this.logs = new SecureBucket(this, 'LogsBucket', {
      bucketName: bucketName(env, 'logs'),
      // SSE-S3, not the project key: S3 server access logging cannot deliver to a bucket whose default encryption
      // is SSE-KMS.
      encryption: 's3',
      // Logs are written once by the S3 logging service and never overwritten; versioning would add cost without a
      // version worth restoring. They expire after the configured retention.
      versioned: false,
      expirationDays: env.data.accessLogExpirationDays,
      extraPolicyStatements: [
        {
          sid: 'S3ServerAccessLogsFromThisDeployment',
          principal: { type: 'Service', identifiers: ['logging.s3.amazonaws.com'] },
          actions: ['s3:PutObject'],
          resources: [`${logsArn}/${ACCESS_LOG_ROOT}*`],
          conditions: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [env.account] },
            // Only this deployment's buckets (`<prefix>-<env>-<purpose>-<account>-<region>`) may log here.
            {
              test: 'ArnLike',
              variable: 'aws:SourceArn',
              values: [`arn:${partition(env)}:s3:::${resourcePrefix(env)}-*-${env.account}-${env.region}`],
            },
          ],
        },
        {
          // CloudFront standard logging v2 (edge stack) delivers through CloudWatch Logs vended-log delivery, whose
          // delivery sources live in us-east-1. Declared here so AWS does not rewrite the policy behind Terraform.
          sid: 'CloudFrontAccessLogsFromThisAccount',
          principal: { type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] },
          actions: ['s3:PutObject'],
          resources: [`${logsArn}/cloudfront/*`],
          conditions: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [env.account] },
            { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] },
            {
              test: 'ArnLike',
              variable: 'aws:SourceArn',
              values: [`arn:${partition(env)}:logs:us-east-1:${env.account}:delivery-source:*`],
            },
          ],
        },
      ],
    });

    this.assets = new SecureBucket(this, 'AssetsBucket', {
      bucketName: bucketName(env, 'assets'),
      key: this.projectKey.key,
      noncurrentVersionExpirationDays: env.data.noncurrentVersionExpirationDays,
      accessLogs: this.accessLogTarget(bucketName(env, 'assets')),
    });

    new TerraformOutput(this, 'AssetsBucketName', {
      value: this.assets.bucket.bucket,
      description: 'Bucket of the ETL job files, runners and image build sources',
    });
    new TerraformOutput(this, 'LogsBucketName', {
      value: this.logs.bucket.bucket,
      description: 'Bucket of the S3 server access logs, under s3/<bucket-name>/',
    });
    new TerraformOutput(this, 'KmsKeyArn', {
      value: this.projectKey.key.arn,
      description: 'ARN of the project KMS key that encrypts buckets, logs, secrets and EKS secrets',
    });
  }

  /** Where a bucket of this deployment sends its S3 server access logs: `s3/<bucket-name>/` in the logs bucket. */
  public accessLogTarget(sourceBucketName: string): AccessLogTarget {
    return { bucket: this.logs.bucket, prefix: `${ACCESS_LOG_ROOT}${sourceBucketName}/` };
  }
}
