import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  AMD64_BUILD_IMAGE,
  ETL_IMAGES,
  ARM64_BUILD_IMAGE,
  bucketName,
  ecrRepositoryName,
  imageContentVersion,
  type EnvironmentConfig,
} from '../../config';
import { WILDCARD_RESOURCE_ACTIONS, checkStatement } from '../constructs/iam';
import { ImagePipeline, pipelineArtifactFolder } from '../constructs/image-pipeline';
import { DEV, devWith, resourcesOf, synthStack, testApp, type TerraformJson } from '../testing';
import { FoundationStack } from './foundation-stack';
import { RegistryStack } from './registry-stack';

function build(env: EnvironmentConfig = DEV): RegistryStack {
  const app = testApp();
  const foundation = new FoundationStack(app, { env });
  return new RegistryStack(app, { env, foundation });
}
const synth = (env: EnvironmentConfig = DEV) => synthStack(build(env));

const KEY = '${aws_kms_key.project_key.arn}';
const ASSETS = bucketName(DEV, 'assets');
const ASSETS_ARN = `arn:aws:s3:::${ASSETS}`;

interface Statement {
  sid: string;
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
}

/** The parts of a buildspec the tests read. */
interface Buildspec {
  version: number;
  env: { shell: string; variables: Record<string, string> };
  phases: { pre_build: { commands: string[] }; build: { commands: string[] } };
}
const buildspecOf = (project: Record<string, unknown>) =>
  parse((project.source as { buildspec: string }).buildspec) as Buildspec;

/** Inline policy statements of a role, by the role's Terraform name. */
function policyOf(json: TerraformJson, role: string): Statement[] {
  const doc = json.data!.aws_iam_policy_document[`${role}_policy_document`];
  expect(doc, `policy document of ${role}`).toBeDefined();
  return doc.statement as Statement[];
}

/** Every physical name (the `name` or `bucket` argument) of the stack's resources; inline policy names are per role. */
function physicalNames(json: TerraformJson): string[] {
  return Object.entries(json.resource)
    .filter(([type]) => type !== 'aws_iam_role_policy')
    .flatMap(([, byName]) => Object.values(byName))
    .map((r) => r.name ?? r.bucket)
    .filter((n): n is string => typeof n === 'string' && !n.startsWith('${'));
}

describe('RegistryStack', () => {
  const { raw, json } = synth();
  const projects = resourcesOf(json, 'aws_codebuild_project');
  const pipelines = resourcesOf(json, 'aws_codepipeline');

  test('is named after the environment', () => {
    expect(build().node.id).toBe('dev-registry');
  });

  test('creates one immutable, scanned, KMS-encrypted repository per ETL image', () => {
    expect(ETL_IMAGES).toEqual(['spark-runtime', 'arc-runtime', 'pyspark-notebook', 'arc-notebook']);
    const repositories = resourcesOf(json, 'aws_ecr_repository');
    expect(Object.keys(repositories).sort()).toEqual([
      'arc_notebook_repository',
      'arc_runtime_repository',
      'pyspark_notebook_repository',
      'spark_runtime_repository',
    ]);
    for (const image of ETL_IMAGES) {
      expect(
        Testing.toHaveResourceWithProperties(raw, EcrRepository.tfResourceType, {
          name: ecrRepositoryName(DEV, image),
          image_tag_mutability: 'IMMUTABLE',
          image_scanning_configuration: { scan_on_push: true },
          encryption_configuration: [{ encryption_type: 'KMS', kms_key: KEY }],
          force_delete: false,
        }),
      ).toBe(true);
    }
  });

  test('the lifecycle policy expires untagged images after 14 days and keeps the newest 50 versions', () => {
    const policy = resourcesOf(json, 'aws_ecr_lifecycle_policy').spark_runtime_lifecycle_policy;
    expect(policy.repository).toBe('${aws_ecr_repository.spark_runtime_repository.name}');
    expect(JSON.parse(policy.policy as string)).toEqual({
      rules: [
        {
          rulePriority: 1,
          description: 'Expire untagged images (failed pushes) after 14 days',
          selection: {
            tagStatus: 'untagged',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 14,
          },
          action: { type: 'expire' },
        },
        {
          rulePriority: 2,
          description: 'Keep the newest 50 versions (3 tagged images each)',
          selection: {
            tagStatus: 'tagged',
            tagPatternList: ['*'],
            countType: 'imageCountMoreThan',
            countNumber: 150,
          },
          action: { type: 'expire' },
        },
      ],
    });
  });

  test('never uses a `latest` tag', () => {
    expect(raw).not.toMatch(/latest/i);
  });

  test('builds arm64 and amd64 natively on pinned CodeBuild images, privileged, encrypted with the project key', () => {
    // arc-runtime and arc-notebook: amd64 only, their base image (ghcr.io/tripl-ai/arc) has no arm64 variant.
    expect(Object.keys(projects).sort()).toEqual([
      'arc_notebook_build_amd64',
      'arc_notebook_manifest',
      'arc_runtime_build_amd64',
      'arc_runtime_manifest',
      'pyspark_notebook_build_amd64',
      'pyspark_notebook_build_arm64',
      'pyspark_notebook_manifest',
      'spark_runtime_build_amd64',
      'spark_runtime_build_arm64',
      'spark_runtime_manifest',
    ]);
    expect(projects.spark_runtime_build_arm64.environment).toEqual({
      type: 'ARM_CONTAINER',
      image: 'aws/codebuild/amazonlinux-aarch64-standard:3.0',
      compute_type: 'BUILD_GENERAL1_LARGE',
      image_pull_credentials_type: 'CODEBUILD',
      privileged_mode: true,
    });
    expect(projects.spark_runtime_build_amd64.environment).toMatchObject({
      type: 'LINUX_CONTAINER',
      image: 'aws/codebuild/amazonlinux2-x86_64-standard:5.0',
    });
    expect([ARM64_BUILD_IMAGE, AMD64_BUILD_IMAGE]).toEqual([
      'aws/codebuild/amazonlinux-aarch64-standard:3.0',
      'aws/codebuild/amazonlinux2-x86_64-standard:5.0',
    ]);
    for (const [name, project] of Object.entries(projects)) {
      expect(project, name).toMatchObject({
        encryption_key: KEY,
        environment: { privileged_mode: true },
        source: { type: 'CODEPIPELINE' },
        artifacts: { type: 'CODEPIPELINE' },
        logs_config: {
          cloudwatch_logs: { status: 'ENABLED', group_name: '${aws_cloudwatch_log_group.build_logs.name}' },
        },
      });
    }
  });

  test('the buildspec logs in to ECR, tags with the content version and pushes; the manifest joins both', () => {
    const arm = buildspecOf(projects.spark_runtime_build_arm64);
    expect(arm.version).toBe(0.2);
    expect(arm.env.variables).toEqual({
      REGISTRY: '111122223333.dkr.ecr.us-east-1.amazonaws.com',
      REPOSITORY: 'sqletl-dev/spark-runtime',
      IMAGE: '111122223333.dkr.ecr.us-east-1.amazonaws.com/sqletl-dev/spark-runtime',
      ARCH: 'arm64',
    });
    expect(arm.env.shell).toBe('bash');
    const pre = arm.phases.pre_build.commands.join('\n');
    expect(pre).toContain('VERSION="$(find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum');
    expect(pre).toContain('aws ecr get-login-password --region "$AWS_REGION" | docker login');
    const buildCommand = arm.phases.build.commands.join('\n');
    expect(buildCommand).toContain('docker build --pull --platform "linux/$ARCH"');
    expect(buildCommand).toContain('--tag "$IMAGE:$VERSION-$ARCH"');
    expect(buildCommand).toContain('docker push "$IMAGE:$VERSION-$ARCH"');

    const manifest = buildspecOf(projects.spark_runtime_manifest);
    expect(manifest.env.variables.ARCH).toBeUndefined();
    expect(manifest.phases.build.commands.join('\n')).toContain(
      'docker manifest create "$IMAGE:$VERSION" "$IMAGE:$VERSION-amd64" "$IMAGE:$VERSION-arm64"',
    );
    // Terraform would interpolate `${…}` inside the buildspec.
    for (const project of Object.values(projects)) {
      expect((project.source as { buildspec: string }).buildspec).not.toMatch(/\$\{|%\{/);
    }
  });

  test('the content version equals the shell computation of the build', () => {
    // Expected value from: find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
    expect(
      imageContentVersion([
        { path: 'conf/app.conf', content: 'a=1\n' },
        { path: 'Dockerfile', content: 'FROM scratch\n' },
        { path: 'a.txt', content: 'y' },
        { path: 'B/z.txt', content: 'x' },
      ]),
    ).toBe('3d5251bdf87a1773');
  });

  test('fails when an image source path contains a newline', () => {
    expect(() => imageContentVersion([{ path: 'a\nb', content: '' }])).toThrow(/newlines are not allowed/);
  });

  test('build logs go to a KMS-encrypted log group with the configured retention', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, CloudwatchLogGroup.tfResourceType, {
        name: '/sqletl/dev/image-builds',
        kms_key_id: KEY,
        retention_in_days: 90,
      }),
    ).toBe(true);
    const other = synth(devWith({ logs: { retentionDays: 30 } })).json;
    expect(resourcesOf(other, 'aws_cloudwatch_log_group').build_logs.retention_in_days).toBe(30);
  });

  test('each image has a V2 pipeline from its S3 source archive, without polling', () => {
    const pipeline = pipelines.spark_runtime_pipeline;
    expect(pipeline).toMatchObject({
      name: 'sqletl-dev-spark-runtime',
      pipeline_type: 'V2',
      execution_mode: 'QUEUED',
      role_arn: '${aws_iam_role.spark_runtime_pipeline_role.arn}',
      artifact_store: [{ location: ASSETS, type: 'S3', encryption_key: { id: KEY, type: 'KMS' } }],
    });
    const [source, buildStage] = pipeline.stage as {
      name: string;
      action: { name: string; provider: string; run_order?: number; configuration: Record<string, string> }[];
    }[];
    expect(source.action).toEqual([
      expect.objectContaining({
        category: 'Source',
        provider: 'S3',
        configuration: {
          S3Bucket: ASSETS,
          S3ObjectKey: 'image-sources/spark-runtime/source.zip',
          PollForSourceChanges: 'false',
        },
      }),
    ]);
    expect(
      buildStage.action.map((a) => [a.name, a.provider, a.run_order, a.configuration.ProjectName]),
    ).toEqual([
      ['BuildArm64', 'CodeBuild', 1, 'sqletl-dev-spark-runtime-arm64'],
      ['BuildAmd64', 'CodeBuild', 1, 'sqletl-dev-spark-runtime-amd64'],
      ['Manifest', 'CodeBuild', 2, 'sqletl-dev-spark-runtime-manifest'],
    ]);
    expect(pipelines.arc_runtime_pipeline).toMatchObject({
      name: 'sqletl-dev-arc-runtime',
      pipeline_type: 'V2',
    });
  });

  test('an upload of the source archive starts the pipeline through EventBridge', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, S3BucketNotification.tfResourceType, {
        bucket: ASSETS,
        eventbridge: true,
      }),
    ).toBe(true);
    const rule = resourcesOf(json, 'aws_cloudwatch_event_rule').spark_runtime_source_rule;
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [ASSETS] }, object: { key: ['image-sources/spark-runtime/source.zip'] } },
    });
    expect(resourcesOf(json, 'aws_cloudwatch_event_target').spark_runtime_source_target).toEqual({
      rule: '${aws_cloudwatch_event_rule.spark_runtime_source_rule.name}',
      target_id: 'pipeline',
      arn: '${aws_codepipeline.spark_runtime_pipeline.arn}',
      role_arn: '${aws_iam_role.spark_runtime_trigger_role.arn}',
    });
  });

  test('no role statement grants a wildcard action, or `*` outside WILDCARD_RESOURCE_ACTIONS', () => {
    const documents = Object.entries(json.data!.aws_iam_policy_document).filter(([name]) =>
      name.endsWith('_policy_document'),
    );
    // Build and pipeline roles of the four images.
    expect(documents).toHaveLength(12);
    for (const [name, doc] of documents) {
      for (const s of doc.statement as Statement[]) {
        expect(() => checkStatement(name, s)).not.toThrow();
        if (s.resources.includes('*')) {
          expect(
            s.actions.every((a) => WILDCARD_RESOURCE_ACTIONS.includes(a)),
            `${name} ${s.sid}`,
          ).toBe(true);
        }
      }
    }
  });

  test('the build role pushes to its own repository only and reads only its sources and artifacts', () => {
    const statements = policyOf(json, 'spark_runtime_build_role');
    const resources = statements.flatMap((s) => s.resources);
    expect(resources.filter((r) => r.includes(':ecr:'))).toEqual([
      'arn:aws:ecr:us-east-1:111122223333:repository/sqletl-dev/spark-runtime',
    ]);
    expect(statements.find((s) => s.sid === 'EcrLogin')).toMatchObject({
      actions: ['ecr:GetAuthorizationToken'],
      resources: ['*'],
    });
    expect(statements.find((s) => s.sid === 'BuildLogs')!.resources).toEqual([
      'arn:aws:logs:us-east-1:111122223333:log-group:/sqletl/dev/image-builds',
      'arn:aws:logs:us-east-1:111122223333:log-group:/sqletl/dev/image-builds:log-stream:spark-runtime/*',
    ]);
    expect(statements.find((s) => s.sid === 'ReadSourceAndPipelineArtifacts')!.resources).toEqual([
      `${ASSETS_ARN}/image-sources/spark-runtime/*`,
      `${ASSETS_ARN}/sqletl-dev-spark-run/*`,
    ]);
    expect(statements.find((s) => s.sid === 'ProjectKey')!.resources).toEqual([KEY]);
    expect(resources.join()).not.toContain('arc-runtime');
  });

  test('the pipeline role reads its source key, writes its artifact folder and starts its own builds', () => {
    const statements = policyOf(json, 'spark_runtime_pipeline_role');
    expect(statements.find((s) => s.sid === 'ReadSourceArchive')!.resources).toEqual([
      `${ASSETS_ARN}/image-sources/spark-runtime/source.zip`,
    ]);
    expect(statements.find((s) => s.sid === 'PipelineArtifacts')!.resources).toEqual([
      `${ASSETS_ARN}/${pipelineArtifactFolder('sqletl-dev-spark-runtime')}/*`,
    ]);
    expect(statements.find((s) => s.sid === 'RunThisImagesBuilds')).toMatchObject({
      actions: ['codebuild:BatchGetBuilds', 'codebuild:StartBuild'],
      resources: [
        'arn:aws:codebuild:us-east-1:111122223333:project/sqletl-dev-spark-runtime-arm64',
        'arn:aws:codebuild:us-east-1:111122223333:project/sqletl-dev-spark-runtime-amd64',
        'arn:aws:codebuild:us-east-1:111122223333:project/sqletl-dev-spark-runtime-manifest',
      ],
    });
  });

  test('the trigger role may only start its own pipeline, and each role trusts one service in this account', () => {
    expect(policyOf(json, 'spark_runtime_trigger_role')).toEqual([
      {
        sid: 'StartThisPipeline',
        effect: 'Allow',
        actions: ['codepipeline:StartPipelineExecution'],
        resources: ['arn:aws:codepipeline:us-east-1:111122223333:sqletl-dev-spark-runtime'],
      },
    ]);
    const trusts = json.data!.aws_iam_policy_document;
    const principal = (role: string) =>
      (trusts[`${role}_trust`].statement as { principals: { identifiers: string[] }[] }[])[0].principals[0]
        .identifiers;
    expect(principal('spark_runtime_build_role')).toEqual(['codebuild.amazonaws.com']);
    expect(principal('spark_runtime_pipeline_role')).toEqual(['codepipeline.amazonaws.com']);
    expect(principal('spark_runtime_trigger_role')).toEqual(['events.amazonaws.com']);
    expect(resourcesOf(json, 'aws_iam_role').spark_runtime_trigger_role.name).toBe(
      'sqletl-dev-us-east-1-spark-runtime-trigger',
    );
  });

  test('outputs the repository URIs, pipeline names and source keys', () => {
    expect(json.output).toMatchObject({
      spark_runtime_repository_uri: {
        value: '111122223333.dkr.ecr.us-east-1.amazonaws.com/sqletl-dev/spark-runtime',
      },
      spark_runtime_pipeline_name: { value: '${aws_codepipeline.spark_runtime_pipeline.name}' },
      spark_runtime_source_key: { value: 'image-sources/spark-runtime/source.zip' },
      arc_runtime_source_key: { value: 'image-sources/arc-runtime/source.zip' },
    });
  });

  test('another prefix gives other physical names', () => {
    const dev = physicalNames(json);
    const other = physicalNames(synth(devWith({ prefix: 'other' })).json);
    // Everything except the shared assets bucket of the foundation (its name is the bucket's, not ours).
    const own = (names: string[]) =>
      names.filter((n) => n !== ASSETS && n !== bucketName(devWith({ prefix: 'other' }), 'assets'));
    expect(own(dev).length).toBeGreaterThan(15);
    expect(own(dev).filter((n) => own(other).includes(n))).toEqual([]);
    expect(other).toContain('other-dev-spark-runtime');
    expect(other).toContain('other-dev/spark-runtime');
  });

  test('fails when an image name is not a valid repository name part', () => {
    const app = testApp();
    const foundation = new FoundationStack(app, { env: DEV });
    const stack = new RegistryStack(app, { env: DEV, foundation });
    expect(
      () =>
        new ImagePipeline(stack, 'Bad', {
          env: DEV,
          image: 'Spark_Runtime',
          key: foundation.projectKey.key,
          logGroup: stack.buildLogs,
          logGroupPurpose: 'image-builds',
        }),
    ).toThrow(/image name 'Spark_Runtime'.*lowercase letters and digits/);
  });

  test('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });
});
