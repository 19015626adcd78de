import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { bucketName } from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import { ProjectKey } from '../constructs/project-key';
import { SecureBucket } from '../constructs/secure-bucket';

/** Props of {@link FoundationStack}. */
export type FoundationStackProps = EnvironmentStackProps;

/** What every other unit needs first: the project KMS key and the ETL assets bucket. */
export class FoundationStack extends EnvironmentStack {
  /** The customer-managed key. */
  public readonly projectKey: ProjectKey;
  /** Bucket for ETL job files, runners and image build sources (content-addressed keys). */
  public readonly assets: SecureBucket;

  constructor(scope: Construct, props: FoundationStackProps) {
    super(scope, 'foundation', props);
    const { env } = props;

    this.projectKey = new ProjectKey(this, 'ProjectKey', { env });
    this.assets = new SecureBucket(this, 'AssetsBucket', {
      bucketName: bucketName(env, 'assets'),
      key: this.projectKey.key,
    });

    new TerraformOutput(this, 'AssetsBucketName', { value: this.assets.bucket.bucket });
    new TerraformOutput(this, 'KmsKeyArn', { value: this.projectKey.key.arn });
  }
}
