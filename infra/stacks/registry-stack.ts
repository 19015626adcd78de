import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { ETL_IMAGES, ETL_IMAGE_ARCHITECTURES, bucketName, logGroupName, type EtlImage } from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import { ImagePipeline } from '../constructs/image-pipeline';
import type { FoundationStack } from './foundation-stack';

/** Purpose part of the image build log group name (`logGroupName(env, IMAGE_BUILD_LOGS)`). */
export const IMAGE_BUILD_LOGS = 'image-builds';

/** Props of {@link RegistryStack}. */
export interface RegistryStackProps extends EnvironmentStackProps {
  /** Provides the project key and the assets bucket the image sources are uploaded to. */
  readonly foundation: FoundationStack;
}

function constructId(image: string): string {
  return image.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());
}

/**
 * Container registry and image builds: one ECR repository per ETL runtime image, built for arm64 and amd64 by a
 * CodePipeline V2 that EventBridge starts when the image's source archive is uploaded to the assets bucket.
 */
export class RegistryStack extends EnvironmentStack {
  /** The build pipeline (repository, projects, pipeline, trigger) of each image. */
  public readonly images: Readonly<Record<EtlImage, ImagePipeline>>;
  /** KMS-encrypted log group of every image build. */
  public readonly buildLogs: CloudwatchLogGroup;

  constructor(scope: Construct, props: RegistryStackProps) {
    super(scope, 'registry', props);
    const { env, foundation } = props;
    const key = foundation.projectKey.key;

    this.buildLogs = new CloudwatchLogGroup(this, 'BuildLogs', {
      name: logGroupName(env, IMAGE_BUILD_LOGS),
      kmsKeyId: key.arn,
      retentionInDays: env.logs.retentionDays,
    });

    // S3 keeps one notification configuration per bucket, so this stack owns the assets bucket's: no other stack
    // may declare an aws_s3_bucket_notification for it (the last apply would silently replace the other).
    // EventBridge delivery lets any number of rules subscribe without touching it again.
    new S3BucketNotification(this, 'AssetsBucketNotification', {
      bucket: bucketName(env, 'assets'),
      eventbridge: true,
    });

    const images: Partial<Record<EtlImage, ImagePipeline>> = {};
    for (const image of ETL_IMAGES) {
      const id = constructId(image);
      const pipeline = new ImagePipeline(this, id, {
        env,
        image,
        key,
        logGroup: this.buildLogs,
        logGroupPurpose: IMAGE_BUILD_LOGS,
        // Arc's base image exists for amd64 only (config/images.ts).
        architectures: ETL_IMAGE_ARCHITECTURES[image],
      });
      images[image] = pipeline;

      new TerraformOutput(this, `${id}RepositoryUri`, {
        value: pipeline.repositoryUri,
        description: `ECR repository of the ${image} image; tags are content versions, never moved`,
      });
      new TerraformOutput(this, `${id}PipelineName`, {
        value: pipeline.pipeline.name,
        description: `CodePipeline that builds ${image} for ${ETL_IMAGE_ARCHITECTURES[image].join(' and ')}`,
      });
      new TerraformOutput(this, `${id}SourceKey`, {
        value: pipeline.sourceKey,
        description: `Key in the assets bucket to upload the ${image} source archive (zip, Dockerfile at its root) to; an upload starts the pipeline`,
      });
    }
    this.images = images as Record<EtlImage, ImagePipeline>;
  }
}
