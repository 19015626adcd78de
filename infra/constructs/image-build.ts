/**
 * What one image build runs: the CodeBuild steps (two native platform builds and the manifest list), their pinned
 * build images, and the inline buildspec that tags each image with the content version of its source.
 */
import { stringify } from 'yaml';
import {
  AMD64_BUILD_IMAGE,
  ARM64_BUILD_IMAGE,
  ecrRegistry,
  ecrRepositoryName,
  ecrRepositoryUri,
  type Architecture,
  type EnvironmentConfig,
} from '../../config';

type NamingInput = Pick<EnvironmentConfig, 'name' | 'prefix' | 'account' | 'region'>;

/**
 * Shell that sets `VERSION` to the content version of the build context (the extracted source archive): the first
 * 16 hex digits of the SHA-256 of the `sha256sum` listing of every file, sorted bytewise by `./`-relative path.
 * Same files, same tag, whoever uploads them and however often; `imageContentVersion` (config/images.ts) computes
 * the same value in TypeScript so the k8s layer can pin the tag at synth time from etl/images/<image>/.
 */
const CONTENT_VERSION_COMMAND =
  'VERSION="$(find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"';

/** One CodeBuild project of an image pipeline. */
export interface BuildStep {
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

/**
 * Multi-arch by two native builds plus a manifest step rather than one buildx build under QEMU: a JVM/Spark image
 * built under emulation takes several times longer and emulated package installs are a known source of flaky
 * failures, while CodeBuild has native Graviton hosts. Each platform image keeps its own tag (`<version>-arm64`,
 * `<version>-amd64`), so the untagged-image lifecycle rule can never delete an image a manifest list refers to.
 */
export const BUILD_STEPS: readonly BuildStep[] = [
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

/** Minutes a build may run before CodeBuild stops it. @default 60 */
export const IMAGE_BUILD_TIMEOUT_MINUTES = 60;

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
