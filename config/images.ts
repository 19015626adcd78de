import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EnvironmentConfig } from './environment';
import { ecrRepositoryName } from './naming';
import type { Architecture } from './scheduling';

/**
 * The ETL runtime images: their ECR repositories (infra), their content-version tags (the image build computes the
 * same tag from the uploaded archive) and the image references pods use (k8s).
 */

type NamingInput = Pick<EnvironmentConfig, 'name' | 'prefix' | 'account' | 'region'>;

/**
 * The images the kit builds; their build contexts are etl/images/<image>/.
 * - `spark-runtime`: Spark 4 with Delta Lake, S3A and the kit's SQL runner.
 * - `arc-runtime`: the pinned Arc image extended with the kit's configuration.
 * - `pyspark-notebook`: JupyterHub's PySpark server (Jupyter Docker Stacks, the runtime's Spark, its jars).
 * - `arc-notebook`: JupyterHub's Arc server (the pinned Arc image, a Jupyter server and the Arc kernel).
 */
export const ETL_IMAGES = ['spark-runtime', 'arc-runtime', 'pyspark-notebook', 'arc-notebook'] as const;

/**
 * The images JupyterHub's profiles run: each runs `jupyterhub-singleuser` (a Jupyter server), which the runtime
 * images do not. A profile naming any other image is refused (infra's JupyterHub values test).
 */
export const NOTEBOOK_IMAGES = ['pyspark-notebook', 'arc-notebook'] as const;

/** One of {@link NOTEBOOK_IMAGES}. */
export type NotebookImage = (typeof NOTEBOOK_IMAGES)[number];

/** One of {@link ETL_IMAGES}. */
export type EtlImage = (typeof ETL_IMAGES)[number];

/**
 * The architectures each image is built for: the image pipeline builds one image per architecture, and pods of an
 * image built for fewer architectures than their pool launches select theirs (`kubernetes.io/arch`).
 * - `spark-runtime` (FROM apache/spark, published for amd64 and arm64): both.
 * - `arc-runtime`: amd64 only. Its base, ghcr.io/tripl-ai/arc, is published for linux/amd64 alone (tripl-ai/docker
 *   builds it with a plain `docker build`, no `--platform`); an arm64 build would fail at its first `RUN`.
 * - `pyspark-notebook` (FROM Jupyter Docker Stacks, published for amd64 and arm64): both.
 * - `arc-notebook`: amd64 only, same base as arc-runtime; its notebook pods select amd64 nodes.
 */
export const ETL_IMAGE_ARCHITECTURES: Readonly<Record<EtlImage, readonly Architecture[]>> = {
  'spark-runtime': ['amd64', 'arm64'],
  'arc-runtime': ['amd64'],
  'pyspark-notebook': ['amd64', 'arm64'],
  'arc-notebook': ['amd64'],
};

/** ECR registry host of the environment's account and region. */
export function ecrRegistry(env: Pick<EnvironmentConfig, 'account' | 'region'>): string {
  return `${env.account}.dkr.ecr.${env.region}.amazonaws.com`;
}

/** `<registry>/<prefix>-<env>/<image>`: what a pod spec names (with a content-version tag). */
export function ecrRepositoryUri(env: NamingInput, image: string): string {
  return `${ecrRegistry(env)}/${ecrRepositoryName(env, image)}`;
}

/** One file of an image build context, path relative to the context root (`/`-separated). */
export interface ImageSourceFile {
  readonly path: string;
  readonly content: string | Uint8Array;
}

/** The content version (image tag) of a build context; equal to what the image build computes from the archive. */
export function imageContentVersion(files: readonly ImageSourceFile[]): string {
  const listing = files
    .map((f) => {
      if (/[\\\n]/.test(f.path)) {
        throw new Error(`image source file '${f.path}': backslashes and newlines are not allowed in paths`);
      }
      return { path: Buffer.from(`./${f.path}`), content: f.content };
    })
    .sort((a, b) => Buffer.compare(a.path, b.path))
    .map((f) => `${createHash('sha256').update(f.content).digest('hex')}  ${f.path.toString()}\n`)
    .join('');
  return createHash('sha256').update(listing).digest('hex').slice(0, 16);
}

/** Build context folder of an image, relative to the repository root. */
export function imageContextDir(image: EtlImage): string {
  return `etl/images/${image}`;
}

/** The files of a build context (paths relative to it, `/`-separated), read from the repository. */
export function imageContextFiles(repoRoot: string, image: EtlImage): ImageSourceFile[] {
  const dir = path.join(repoRoot, imageContextDir(image));
  if (!fs.existsSync(dir)) {
    throw new Error(
      `${imageContextDir(image)}: build context of image '${image}' is missing; add its Dockerfile there`,
    );
  }
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort()
    .map((file) => ({ path: file, content: fs.readFileSync(path.join(dir, file)) }));
}

/** `<repository uri>:<content version>`: the pinned image a pod runs, never a moving tag. */
export function runtimeImage(env: NamingInput, image: EtlImage, repoRoot: string): string {
  return `${ecrRepositoryUri(env, image)}:${imageContentVersion(imageContextFiles(repoRoot, image))}`;
}
