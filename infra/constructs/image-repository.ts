/**
 * The ECR repository of an image: its ARN and its lifecycle policy (how many content versions it keeps, how long a
 * failed push stays).
 */
import { ecrRepositoryName, partition, type Architecture, type EnvironmentConfig } from '../../config';

type NamingInput = Pick<EnvironmentConfig, 'name' | 'prefix' | 'account' | 'region'>;

/** ARN of the repository named by `ecrRepositoryName`. */
export function ecrRepositoryArn(env: NamingInput, image: string): string {
  return `arn:${partition(env)}:ecr:${env.region}:${env.account}:repository/${ecrRepositoryName(env, image)}`;
}

/**
 * Image versions the lifecycle policy keeps. Tags are immutable and content-versioned: a tag always names the same
 * digest, and a new image is pushed only when the image's source changes, so the newest 50 versions span far more
 * history than any deployment still runs (k8s pins the version it was synthesized with, and a rollout moves every
 * workload to it). An older version is rebuilt, under the same tag, by uploading its source again.
 * @default 50
 */
export const KEPT_IMAGE_VERSIONS = 50;

/** Tagged images per version: one per architecture and the manifest list naming them. */
function imagesPerVersion(architectures: readonly Architecture[]): number {
  return architectures.length + 1;
}

/** Days an untagged image (a failed or interrupted push) is kept. @default 14 */
export const UNTAGGED_IMAGE_EXPIRATION_DAYS = 14;

/**
 * The repository lifecycle policy (JSON, fixed key order). Rule 1 only ever sees pushes that failed half-way: every
 * image the pipeline completes is tagged, including the platform images a manifest list refers to. Rule 2 counts
 * tagged images newest first; a QUEUED pipeline runs one execution at a time, so a version's three images are
 * adjacent in push order and the cut falls between versions (a failed run's lone platform image can shift it by
 * one image, which only touches the oldest kept version).
 */
export function lifecyclePolicy(architectures: readonly Architecture[] = ['amd64', 'arm64']): string {
  const perVersion = imagesPerVersion(architectures);
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images (failed pushes) after ${UNTAGGED_IMAGE_EXPIRATION_DAYS} days`,
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: UNTAGGED_IMAGE_EXPIRATION_DAYS,
        },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${KEPT_IMAGE_VERSIONS} versions (${perVersion} tagged images each)`,
        selection: {
          tagStatus: 'tagged',
          tagPatternList: ['*'],
          countType: 'imageCountMoreThan',
          countNumber: KEPT_IMAGE_VERSIONS * perVersion,
        },
        action: { type: 'expire' },
      },
    ],
  });
}
