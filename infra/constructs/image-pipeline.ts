import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { Codepipeline } from '@cdktf/provider-aws/lib/codepipeline';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import {
  S3_PREFIXES,
  bucketArn,
  bucketName,
  ecrRepositoryName,
  ecrRepositoryUri,
  logGroupArn,
  partition,
  resourcePrefix,
  type Architecture,
  type EnvironmentConfig,
} from '../../config';
import { ServiceRole, type PolicyStatement } from './iam';
import { BUILD_STEPS, IMAGE_BUILD_TIMEOUT_MINUTES, buildspec, type BuildStep } from './image-build';
import { ecrRepositoryArn, lifecyclePolicy } from './image-repository';

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
