import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { Codepipeline } from '@cdktf/provider-aws/lib/codepipeline';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import {
  S3_PREFIXES,
  bucketArn,
  bucketName,
  ecrRegistry,
  ecrRepositoryName,
  ecrRepositoryUri,
  logGroupArn,
  partition,
  resourcePrefix,
  type Architecture,
  type EnvironmentConfig,
} from '../../config';
import { ServiceRole, type PolicyStatement } from './iam';

export {
  ecrRegistry,
  ecrRepositoryUri,
  imageContentVersion,
  type ImageSourceFile,
} from '../../config/images';

// ---------------------------------------------------------------------------------------------------------------
// Names and ARNs computable from config (candidates for config/naming.ts: k8s needs the repository URI too).
// ---------------------------------------------------------------------------------------------------------------

type NamingInput = Pick<EnvironmentConfig, 'name' | 'prefix' | 'account' | 'region'>;

/** ARN of the repository named by `ecrRepositoryName`. */
export function ecrRepositoryArn(env: NamingInput, image: string): string {
  return `arn:${partition(env)}:ecr:${env.region}:${env.account}:repository/${ecrRepositoryName(env, image)}`;
}

/** Assets-bucket key the image's source archive is uploaded to; each upload (a new object version) starts a build. */
export function imageSourceKey(image: string): string {
  return `${S3_PREFIXES.imageSources}${image}/source.zip`;
}

/** CodePipeline pipeline of one image: `<prefix>-<env>-<image>`. */
export function imagePipelineName(env: Pick<EnvironmentConfig, 'name' | 'prefix'>, image: string): string {
  return `${resourcePrefix(env)}-${image}`;
}

/**
 * Folder CodePipeline writes a pipeline's artifacts to in the artifact bucket: the first 20 characters of the
 * pipeline name (CodePipeline truncates it; the objects below it have unique generated names).
 */
export function pipelineArtifactFolder(pipelineName: string): string {
  return pipelineName.slice(0, 20);
}

// ---------------------------------------------------------------------------------------------------------------
// Content version: the image tag.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Shell that sets `VERSION` to the content version of the build context (the extracted source archive): the first
 * 16 hex digits of the SHA-256 of the `sha256sum` listing of every file, sorted bytewise by `./`-relative path.
 * Same files, same tag, whoever uploads them and however often; {@link imageContentVersion} computes the same value
 * in TypeScript so the k8s layer can pin the tag at synth time from etl/images/<image>/.
 */
const CONTENT_VERSION_COMMAND =
  'VERSION="$(find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"';

// ---------------------------------------------------------------------------------------------------------------
// Build settings.
// ---------------------------------------------------------------------------------------------------------------

/** One CodeBuild project of an image pipeline. */
interface BuildStep {
  /** Construct id and CodePipeline action name. */
  readonly id: 'BuildArm64' | 'BuildAmd64' | 'Manifest';
  /** Project name suffix and, for platform builds, the Docker architecture (tag suffix). */
  readonly step: 'arm64' | 'amd64' | 'manifest';
  readonly environmentType: 'ARM_CONTAINER' | 'LINUX_CONTAINER';
  /** Pinned CodeBuild curated image (AWS patches it under the same version; the major version is fixed). */
  readonly buildImage: string;
  readonly computeType: string;
  /** Order within the Build stage: the manifest step waits for both platform builds. */
  readonly runOrder: number;
}

/** CodeBuild image of the arm64 (Graviton) builds: Amazon Linux 2023, aarch64. */
export const ARM64_BUILD_IMAGE = 'aws/codebuild/amazonlinux-aarch64-standard:3.0';
/** CodeBuild image of the amd64 builds and the manifest step: Amazon Linux 2023, x86_64. */
export const AMD64_BUILD_IMAGE = 'aws/codebuild/amazonlinux2-x86_64-standard:5.0';

/**
 * Multi-arch by two native builds plus a manifest step rather than one buildx build under QEMU: a JVM/Spark image
 * built under emulation takes several times longer and emulated package installs are a known source of flaky
 * failures, while CodeBuild has native Graviton hosts. Each platform image keeps its own tag (`<version>-arm64`,
 * `<version>-amd64`), so the untagged-image lifecycle rule can never delete an image a manifest list refers to.
 */
const BUILD_STEPS: readonly BuildStep[] = [
  {
    id: 'BuildArm64',
    step: 'arm64',
    environmentType: 'ARM_CONTAINER',
    buildImage: ARM64_BUILD_IMAGE,
    computeType: 'BUILD_GENERAL1_LARGE',
    runOrder: 1,
  },
  {
    id: 'BuildAmd64',
    step: 'amd64',
    environmentType: 'LINUX_CONTAINER',
    buildImage: AMD64_BUILD_IMAGE,
    computeType: 'BUILD_GENERAL1_LARGE',
    runOrder: 1,
  },
  {
    id: 'Manifest',
    step: 'manifest',
    environmentType: 'LINUX_CONTAINER',
    buildImage: AMD64_BUILD_IMAGE,
    computeType: 'BUILD_GENERAL1_SMALL',
    runOrder: 2,
  },
];

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

/** Minutes a build may run before CodeBuild stops it. @default 60 */
export const IMAGE_BUILD_TIMEOUT_MINUTES = 60;

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

/**
 * The inline buildspec of one step, as YAML. Commands use `$VAR`, never `${VAR}`: Terraform would read `${` as an
 * interpolation. Every build first checks whether its tag exists: tags are immutable, so a re-run (or a re-upload of
 * the same content) skips instead of failing the push.
 */
export function buildspec(
  env: NamingInput,
  image: string,
  step: BuildStep['step'],
  architectures: readonly Architecture[] = ['amd64', 'arm64'],
): string {
  const login =
    'aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$REGISTRY"';
  const exists = (tag: string) =>
    `aws ecr describe-images --repository-name "$REPOSITORY" --image-ids imageTag="${tag}" > /dev/null 2>&1`;
  const command =
    step === 'manifest'
      ? `if ${exists('$VERSION')}; then echo "$IMAGE:$VERSION exists; tags are immutable, skipping"; ` +
        `else docker manifest create "$IMAGE:$VERSION" ${architectures.map((a) => `"$IMAGE:$VERSION-${a}"`).join(' ')} ` +
        '&& docker manifest push "$IMAGE:$VERSION"; fi'
      : `if ${exists('$VERSION-$ARCH')}; then echo "$IMAGE:$VERSION-$ARCH exists; tags are immutable, skipping"; ` +
        'else docker build --pull --platform "linux/$ARCH" --label "org.opencontainers.image.version=$VERSION" ' +
        '--tag "$IMAGE:$VERSION-$ARCH" . && docker push "$IMAGE:$VERSION-$ARCH"; fi';
  const spec = {
    version: 0.2,
    env: {
      shell: 'bash',
      variables: {
        REGISTRY: ecrRegistry(env),
        REPOSITORY: ecrRepositoryName(env, image),
        IMAGE: ecrRepositoryUri(env, image),
        ...(step === 'manifest' ? {} : { ARCH: step }),
      },
    },
    phases: {
      pre_build: {
        commands: [
          'test -f Dockerfile || { echo "the source archive must have a Dockerfile at its root"; exit 1; }',
          CONTENT_VERSION_COMMAND,
          'echo "content version: $VERSION"',
          login,
        ],
      },
      build: { commands: [command] },
    },
  };
  const yaml = stringify(spec, { lineWidth: 0 });
  if (yaml.includes('${') || yaml.includes('%{')) {
    throw new Error(`buildspec of ${image}/${step} contains a Terraform template sequence ('\${' or '%{')`);
  }
  return yaml;
}

// ---------------------------------------------------------------------------------------------------------------
// The construct.
// ---------------------------------------------------------------------------------------------------------------

/** Props of {@link ImagePipeline}. */
export interface ImagePipelineProps {
  readonly env: EnvironmentConfig;
  /** Image name: repository suffix, source folder and name part of the pipeline. */
  readonly image: string;
  /** The project key: repository, build artifacts and pipeline artifacts are encrypted with it. */
  readonly key: KmsKey;
  /** The KMS-encrypted log group every image build writes to (one stream prefix per image). */
  readonly logGroup: CloudwatchLogGroup;
  /** Purpose passed to `logGroupName` for {@link ImagePipelineProps.logGroup}, to compute its ARN for IAM. */
  readonly logGroupPurpose: string;
  /**
   * Architectures to build natively, one CodeBuild project each; the manifest list names them all.
   * @default ['amd64', 'arm64']
   */
  readonly architectures?: readonly Architecture[];
}

/**
 * One ETL runtime image: its ECR repository (immutable tags, scan on push, KMS, lifecycle policy), the CodeBuild
 * projects that build it natively for arm64 and amd64 and publish the manifest list, the CodePipeline V2 that runs
 * them from the source archive in the assets bucket, and the EventBridge rule that starts the pipeline on upload.
 */
export class ImagePipeline extends Construct {
  /** The image repository. */
  public readonly repository: EcrRepository;
  /** The pipeline. */
  public readonly pipeline: Codepipeline;
  /** CodeBuild projects by step (`arm64`, `amd64`, `manifest`): only the architectures the image is built for. */
  public readonly projects: Readonly<Partial<Record<BuildStep['step'], CodebuildProject>>>;
  /** Role of the CodeBuild projects. */
  public readonly buildRole: ServiceRole;
  /** Role of the pipeline. */
  public readonly pipelineRole: ServiceRole;
  /** Role EventBridge uses to start the pipeline. */
  public readonly triggerRole: ServiceRole;
  /** The rule matching uploads of the source archive. */
  public readonly sourceRule: CloudwatchEventRule;
  /** Assets-bucket key to upload the source archive to. */
  public readonly sourceKey: string;
  /** Repository URI computed from config (no token), for outputs and the k8s layer. */
  public readonly repositoryUri: string;

  constructor(scope: Construct, id: string, props: ImagePipelineProps) {
    super(scope, id);
    const { env, image, key } = props;
    const architectures = props.architectures ?? ['amd64', 'arm64'];
    if (architectures.length === 0) {
      throw new Error(`image '${image}': build for at least one architecture (amd64, arm64)`);
    }
    const steps = BUILD_STEPS.filter(
      (s) => s.step === 'manifest' || (architectures as readonly string[]).includes(s.step),
    );
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(image)) {
      throw new Error(
        `image name '${image}' is not usable as an ECR repository and pipeline name part; ` +
          'use lowercase letters and digits separated by single hyphens, e.g. "spark-runtime"',
      );
    }

    const p = partition(env);
    const assetsBucket = bucketName(env, 'assets');
    const assetsArn = bucketArn(env, 'assets');
    this.sourceKey = imageSourceKey(image);
    this.repositoryUri = ecrRepositoryUri(env, image);
    const pipelineName = imagePipelineName(env, image);
    const artifactObjects = `${assetsArn}/${pipelineArtifactFolder(pipelineName)}/*`;
    const projectName = (step: string) => `${resourcePrefix(env)}-${image}-${step}`;
    const projectArns = steps.map(
      (s) => `arn:${p}:codebuild:${env.region}:${env.account}:project/${projectName(s.step)}`,
    );
    const pipelineArn = `arn:${p}:codepipeline:${env.region}:${env.account}:${pipelineName}`;
    const logGroup = logGroupArn(env, props.logGroupPurpose);

    this.repository = new EcrRepository(this, 'Repository', {
      name: ecrRepositoryName(env, image),
      // A tag names one digest forever: what k8s pins is what runs.
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: key.arn }],
      // `terraform destroy` never deletes images a running workload may still pull.
      forceDelete: false,
    });
    new EcrLifecyclePolicy(this, 'LifecyclePolicy', {
      repository: this.repository.name,
      policy: lifecyclePolicy(architectures),
    });

    const kmsUse: PolicyStatement = {
      sid: 'ProjectKey',
      actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resources: [key.arn],
    };
    this.buildRole = new ServiceRole(this, 'BuildRole', {
      env,
      name: `${image}-build`,
      servicePrincipal: 'codebuild.amazonaws.com',
      statements: [
        { sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
        {
          sid: 'EcrPushThisRepository',
          actions: [
            'ecr:BatchCheckLayerAvailability',
            'ecr:BatchGetImage',
            'ecr:CompleteLayerUpload',
            'ecr:DescribeImages',
            'ecr:GetDownloadUrlForLayer',
            'ecr:InitiateLayerUpload',
            'ecr:PutImage',
            'ecr:UploadLayerPart',
          ],
          resources: [ecrRepositoryArn(env, image)],
        },
        {
          sid: 'BuildLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup, `${logGroup}:log-stream:${image}/*`],
        },
        {
          sid: 'ReadSourceAndPipelineArtifacts',
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [`${assetsArn}/${S3_PREFIXES.imageSources}${image}/*`, artifactObjects],
        },
        {
          sid: 'ArtifactBucketLocation',
          actions: ['s3:GetBucketAcl', 's3:GetBucketLocation'],
          resources: [assetsArn],
        },
        kmsUse,
      ],
    });

    const projects: Partial<Record<BuildStep['step'], CodebuildProject>> = {};
    for (const step of steps) {
      projects[step.step] = new CodebuildProject(this, step.id, {
        name: projectName(step.step),
        description:
          step.step === 'manifest'
            ? `${image}: publishes the multi-arch manifest list`
            : `${image}: builds and pushes the linux/${step.step} image`,
        serviceRole: this.buildRole.role.arn,
        encryptionKey: key.arn,
        buildTimeout: IMAGE_BUILD_TIMEOUT_MINUTES,
        source: { type: 'CODEPIPELINE', buildspec: buildspec(env, image, step.step, architectures) },
        artifacts: { type: 'CODEPIPELINE' },
        environment: {
          type: step.environmentType,
          image: step.buildImage,
          computeType: step.computeType,
          imagePullCredentialsType: 'CODEBUILD',
          // The Docker daemon in a CodeBuild container needs privileged mode; `docker login` (manifest step too)
          // goes through the daemon. The build runs only the kit's own Dockerfiles from the assets bucket.
          privilegedMode: true,
        },
        logsConfig: {
          cloudwatchLogs: {
            status: 'ENABLED',
            groupName: props.logGroup.name,
            streamName: `${image}/${step.step}`,
          },
          s3Logs: { status: 'DISABLED' },
        },
      });
    }
    this.projects = projects;

    this.pipelineRole = new ServiceRole(this, 'PipelineRole', {
      env,
      name: `${image}-pipeline`,
      servicePrincipal: 'codepipeline.amazonaws.com',
      statements: [
        {
          sid: 'ReadSourceArchive',
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [`${assetsArn}/${this.sourceKey}`],
        },
        {
          sid: 'SourceAndArtifactBucket',
          actions: ['s3:GetBucketAcl', 's3:GetBucketLocation', 's3:GetBucketVersioning'],
          resources: [assetsArn],
        },
        {
          sid: 'PipelineArtifacts',
          actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
          resources: [artifactObjects],
        },
        {
          sid: 'RunThisImagesBuilds',
          actions: ['codebuild:BatchGetBuilds', 'codebuild:StartBuild'],
          resources: projectArns,
        },
        kmsUse,
      ],
    });

    this.pipeline = new Codepipeline(this, 'Pipeline', {
      name: pipelineName,
      // The actions name the projects by their config-computed names; create the projects first.
      dependsOn: Object.values(this.projects).filter((p) => p !== undefined),
      pipelineType: 'V2',
      // Every uploaded archive gets its image: a pull request may already pin that version in dist/, so a newer
      // upload must not supersede it. Builds of an existing tag are skipped, so queued re-runs are cheap.
      executionMode: 'QUEUED',
      roleArn: this.pipelineRole.role.arn,
      artifactStore: [
        // The assets bucket is fine as artifact store: artifacts land under `<first 20 chars of the name>/`,
        // beside the kit's own prefixes (jobs/, image-sources/, …), and are encrypted with the project key.
        { location: assetsBucket, type: 'S3', encryptionKey: { id: key.arn, type: 'KMS' } },
      ],
      stage: [
        {
          name: 'Source',
          action: [
            {
              name: 'Source',
              category: 'Source',
              owner: 'AWS',
              provider: 'S3',
              version: '1',
              outputArtifacts: ['Source'],
              configuration: {
                S3Bucket: assetsBucket,
                S3ObjectKey: this.sourceKey,
                // Started by the EventBridge rule below, not by polling.
                PollForSourceChanges: 'false',
              },
            },
          ],
        },
        {
          name: 'Build',
          action: steps.map((step) => ({
            name: step.id,
            category: 'Build',
            owner: 'AWS',
            provider: 'CodeBuild',
            version: '1',
            inputArtifacts: ['Source'],
            runOrder: step.runOrder,
            configuration: { ProjectName: projectName(step.step) },
          })),
        },
      ],
    });

    this.triggerRole = new ServiceRole(this, 'TriggerRole', {
      env,
      name: `${image}-trigger`,
      servicePrincipal: 'events.amazonaws.com',
      statements: [
        {
          sid: 'StartThisPipeline',
          actions: ['codepipeline:StartPipelineExecution'],
          resources: [pipelineArn],
        },
      ],
    });
    this.sourceRule = new CloudwatchEventRule(this, 'SourceRule', {
      name: `${pipelineName}-source`,
      description: `Starts ${pipelineName} when s3://${assetsBucket}/${this.sourceKey} is uploaded`,
      state: 'ENABLED',
      eventPattern: JSON.stringify({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [assetsBucket] }, object: { key: [this.sourceKey] } },
      }),
    });
    new CloudwatchEventTarget(this, 'SourceTarget', {
      rule: this.sourceRule.name,
      targetId: 'pipeline',
      arn: this.pipeline.arn,
      roleArn: this.triggerRole.role.arn,
    });
  }
}
