import * as path from 'node:path';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { ArchiveProvider } from '@cdktf/provider-archive/lib/provider';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import {
  SQL_RUNNER,
  ETL_IMAGES,
  DIST_PATHS,
  distRelative,
  stackName,
  terraformStackDir,
  LEDGER_FILE,
  bucketName,
  imageContentVersion,
  imageContextDir,
  imageContextFiles,
  listAssets,
  mergeLedger,
  readLedger,
  type Asset,
  type Ledger,
} from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import { argocdBootstrapFiles, PLATFORM_SOURCE_PREFIX } from '../constructs/platform-runner';
import { imageSourceKey } from '../constructs/image-pipeline';
import type { FoundationStack } from './foundation-stack';

/** Props of {@link AssetsStack}. */
export interface AssetsStackProps extends EnvironmentStackProps {
  /** Owns the assets bucket (named by config) and the project key that encrypts every object. */
  readonly foundation: FoundationStack;
  /** Absolute path of the repository root; only read at synth time, it never reaches the output. */
  readonly repoRoot: string;
  /**
   * Also forget (never destroy) the addresses of releases before versioned addresses, `aws_s3_object.<path>`
   * without `_v<n>`: without this, the first apply after upgrading would destroy every object at its old address,
   * deleting every version of keys that the new addresses upload again. A no-op for state that never had them.
   * @default true
   */
  readonly forgetUnversionedAddresses?: boolean;
}

/**
 * Path from a stack's output folder (`dist/terraform/stacks/<stack>/`, where `terraform -chdir=…` runs) back to the
 * repository root. Terraform reads the asset files from the repository through it, so no file is copied into dist/
 * and no absolute path is written.
 */
export const STACK_DIR_TO_REPO_ROOT = '../../../..';

/** Tag naming the repository file an object was uploaded from. */
export const ASSET_TAG = 'sql-etl-on-eks:asset';

/** Tag of an image source archive: the content version (image tag) its files give. */
const IMAGE_VERSION_TAG = 'sql-etl-on-eks:image-version';

/** Content type by file extension; anything else is uploaded as `application/octet-stream`. */
export const ASSET_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.sql': 'text/plain',
  '.py': 'text/x-python',
  '.ipynb': 'application/json',
  '.json': 'application/json',
  // HOCON (Arc job files) has no registered media type.
  '.conf': 'text/plain',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
};

/** S3 allows 10 tags per object: the provider's default tags plus {@link ASSET_TAG}. */
const MAX_OBJECT_TAGS = 10;

/**
 * Characters S3 accepts in a tag value; the same set keeps the path safe inside the Terraform template strings
 * below (no quote, backslash, `$`, `%` or brace).
 */
const TAG_VALUE = /^[A-Za-z0-9 +\-=._:/@]{1,256}$/;

/** Content type of an asset, from its extension. */
export function contentTypeOf(file: string): string {
  return ASSET_CONTENT_TYPES[path.posix.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Construct id of version `version` (1-based position of the key in the ledger) of an asset's object, from its path
 * under etl/: `etl/jobs/word-count/word_count.py`, version 2 → `Jobs_WordCount_WordCountPy_V2`, Terraform name
 * `jobs_word_count_word_count_py_v2`. Without a version, the stem shared by all versions of the file.
 */
export function assetConstructId(file: string, version?: number): string {
  const stem = file
    .slice('etl/'.length)
    .split('/')
    .map((segment) =>
      segment
        .split(/[^A-Za-z0-9]+/)
        .filter((word) => word !== '')
        .map((word) => word[0].toUpperCase() + word.slice(1))
        .join(''),
    )
    .join('_');
  return version === undefined ? stem : `${stem}_V${version}`;
}

/** Terraform address of version `version` of an asset's object, e.g. `aws_s3_object.runners_sql_runner_py_v1`. */
export function assetAddress(file: string, version: number): string {
  return `${S3Object.tfResourceType}.${terraformName(assetConstructId(file, version))}`;
}

/** The Terraform name {@link EnvironmentStack} derives from a construct id (same rule, for collision checks). */
function terraformName(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

/**
 * Uploads every ETL asset (config/assets.ts: the files under etl/jobs and etl/runners) to the assets bucket under its
 * content-addressed key, encrypted with the project key. k8s points jobs at the same keys, computed by the same
 * function, so nothing here is read back by another layer.
 *
 * Old keys are never deleted. The AWS provider deletes every version of an object's key when it destroys an
 * `aws_s3_object`, so the stack never lets Terraform destroy one:
 * - each key of a file has its own address, `<path>_v<n>`, n being the key's position in the append-only ledger
 *   (etl/assets.lock.json, written by `make synth`, read here and merged in memory with the current files, so a
 *   plain `cdktf synth` gives the same output). An address never holds two different keys, so nothing is replaced;
 * - changing a file adds its new key to the ledger: the new address is created, and the old one gets a `removed`
 *   block with `destroy = false`, so Terraform forgets the old object and leaves it, for running workflows, in S3;
 * - deleting a file keeps its ledger entry: every version becomes a `removed` block the same way. A version that was
 *   never applied gives a `removed` block that Terraform ignores;
 * - reverting a file to earlier content reuses that content's address; Terraform uploads the same bytes to the same
 *   key again. The version it overwrites becomes noncurrent and expires per the bucket's lifecycle rule, which does
 *   not matter because a key never receives different content;
 * - the unversioned addresses of earlier releases (`<path>` without `_v<n>`) are forgotten the same way, so upgrading
 *   uploads each current key again at its new address instead of deleting it (see `forgetUnversionedAddresses`).
 * Not `create_before_destroy`: it only acts on a replacement, and no address is ever replaced (its key is fixed by
 * the ledger, its bucket by config); were one replaced under the same key, the delayed destroy would delete every
 * version of that key, the new upload included. So never edit or reorder the ledger by hand.
 */
export class AssetsStack extends EnvironmentStack {
  /** The uploaded assets, sorted by path. */
  public readonly assets: readonly Asset[];
  /** The committed ledger merged with the current assets (what `make synth` writes to etl/assets.lock.json). */
  public readonly ledger: Ledger;
  /** The object of each asset, by repository-relative path. */
  public readonly objects: ReadonlyMap<string, S3Object>;
  /** The uploaded build-context archive of each runtime image, by image name. */
  public readonly imageSources: ReadonlyMap<string, S3Object>;
  /**
   * Addresses Terraform forgets without destroying (`removed` blocks): every ledger version that is not a current
   * asset, and each ledger file's unversioned address unless `forgetUnversionedAddresses` is false.
   */
  public readonly forgotten: readonly string[];

  constructor(scope: Construct, props: AssetsStackProps) {
    super(scope, 'assets', props);
    const { env, foundation, repoRoot } = props;

    const tagCount = Object.keys(env.tags).length + 2; // + 'sql-etl-on-eks:environment' and the asset tag
    if (tagCount > MAX_OBJECT_TAGS) {
      throw new Error(
        `environment '${env.name}': S3 objects carry at most ${MAX_OBJECT_TAGS} tags, and the ETL assets would get ` +
          `${tagCount} (the ${Object.keys(env.tags).length} tags of the config, the environment tag and ` +
          `'${ASSET_TAG}'); remove ${tagCount - MAX_OBJECT_TAGS} from 'tags'`,
      );
    }

    this.assets = listAssets(repoRoot);
    this.ledger = mergeLedger(readLedger(repoRoot), this.assets);
    const current = new Map(this.assets.map((asset) => [asset.file, asset.key]));
    checkAddresses(this.ledger, current);
    const versionOf = (asset: Asset): number => this.ledger[asset.file].indexOf(asset.key) + 1;

    const bucket = bucketName(env, 'assets');
    const objects = new Map<string, S3Object>();
    for (const asset of this.assets) {
      if (!TAG_VALUE.test(asset.file)) {
        throw new Error(
          `asset '${asset.file}': use at most 256 characters from letters, digits, spaces and + - = . _ : / @ in ` +
            'file and folder names (the path becomes an S3 tag value and part of a Terraform expression)',
        );
      }
      const version = versionOf(asset);
      const source = `\${path.module}/${STACK_DIR_TO_REPO_ROOT}/${asset.file}`;
      const object = new S3Object(this, assetConstructId(asset.file, version), {
        bucket,
        key: asset.key,
        source,
        // Not `etag`: with SSE-KMS the ETag is not the MD5 of the content.
        sourceHash: `\${filemd5("${source}")}`,
        contentType: contentTypeOf(asset.file),
        serverSideEncryption: 'aws:kms',
        kmsKeyId: foundation.projectKey.key.arn,
        bucketKeyEnabled: true,
        tags: { [ASSET_TAG]: asset.file },
      });
      objects.set(asset.file, object);
    }
    this.objects = objects;

    // Files sorted, versions in order: the ledger's order, so the output is stable.
    const forgotten = Object.entries(this.ledger).flatMap(([file, keys]) => [
      ...((props.forgetUnversionedAddresses ?? true)
        ? [`${S3Object.tfResourceType}.${terraformName(assetConstructId(file))}`]
        : []),
      ...keys.flatMap((key, index) => (current.get(file) === key ? [] : [assetAddress(file, index + 1)])),
    ]);
    const managed = new Map(
      this.assets.map((asset) => [assetAddress(asset.file, versionOf(asset)), asset.file]),
    );
    for (const address of forgotten) {
      const file = managed.get(address);
      if (file !== undefined) {
        throw new Error(
          `asset '${file}' gets the Terraform address ${address}, which the stack also forgets for another ` +
            `asset of ${LEDGER_FILE} (a name ending in '.v<n>' can match another file's version); rename '${file}'`,
        );
      }
    }
    this.forgotten = [...new Set(forgotten)];
    if (this.forgotten.length > 0) {
      // cdktf 0.21 has no binding for `removed` blocks (Terraform ≥ 1.7).
      this.addOverride(
        'removed',
        this.forgotten.map((from) => ({ from, lifecycle: [{ destroy: false }] })),
      );
    }

    // The runtime images' build contexts (etl/images/<image>/), zipped by Terraform's archive provider when it plans
    // and uploaded to the key the image pipeline watches: the upload's EventBridge event starts the build, which tags
    // the image with the content version of the archive's files. That version is the tag k8s pins (config/images.ts
    // computes it the same way) and the object's source hash here, so an apply uploads (and builds) exactly when
    // the content changes, whatever zip bytes a machine produces. One fixed key per image, updated in place: the
    // pipeline's S3 source names one key, and the versioned bucket keeps every earlier archive.
    new ArchiveProvider(this, 'Archive', {});
    const images = new Map<string, S3Object>();
    for (const image of ETL_IMAGES) {
      const id = image.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());
      const version = imageContentVersion(imageContextFiles(repoRoot, image));
      const archive = new DataArchiveFile(this, `${id}SourceArchive`, {
        type: 'zip',
        sourceDir: `\${path.module}/${STACK_DIR_TO_REPO_ROOT}/${imageContextDir(image)}`,
        // Inside the stack's .terraform/ working directory (git-ignored), never in the repository.
        outputPath: `\${path.module}/.terraform/image-sources/${image}.zip`,
        outputFileMode: '0644',
      });
      images.set(
        image,
        new S3Object(this, `${id}Source`, {
          bucket,
          key: imageSourceKey(image),
          source: archive.outputPath,
          sourceHash: version,
          contentType: 'application/zip',
          serverSideEncryption: 'aws:kms',
          kmsKeyId: foundation.projectKey.key.arn,
          bucketKeyEnabled: true,
          tags: { [IMAGE_VERSION_TAG]: version },
        }),
      );
      new TerraformOutput(this, `${id}ImageVersion`, {
        value: version,
        description: `Content version of etl/images/${image}/: the ${image} image tag the manifests pin`,
      });
    }
    this.imageSources = images;

    // The platform stack's synthesized source, for the platform runner (cluster stack), which applies it from inside
    // the VPC: content-addressed by the file's SHA-256, which the runner checks before running it.
    const here = terraformStackDir(this.node.id);
    const platformSource = `\${path.module}/${distRelative(here, DIST_PATHS.terraformStack(stackName(env, 'platform')))}`;
    const platformKey = `${PLATFORM_SOURCE_PREFIX}\${filesha256("${platformSource}")}/cdk.tf.json`;
    new S3Object(this, 'PlatformSource', {
      bucket,
      key: platformKey,
      source: platformSource,
      sourceHash: `\${filemd5("${platformSource}")}`,
      contentType: 'application/json',
      serverSideEncryption: 'aws:kms',
      kmsKeyId: foundation.projectKey.key.arn,
      bucketKeyEnabled: true,
    });
    new TerraformOutput(this, 'PlatformSourceKey', {
      value: platformKey,
      description: 'Key of the platform stack source the platform runner applies (SOURCE_KEY of its build)',
    });
    // The Argo CD root AppProject and Application (dist/k8s/<env>/<env>-argocd/), which the runner's bootstrap mode
    // applies once: the cluster API is private, so no laptop can.
    const bootstrapKeys = argocdBootstrapFiles(env).map((file, i) => {
      const source = `\${path.module}/${distRelative(here, DIST_PATHS.k8sChart(env.name, 'argocd'))}/${file}`;
      const key = `${PLATFORM_SOURCE_PREFIX}\${filesha256("${source}")}/${file}`;
      new S3Object(this, `ArgocdBootstrap${i}`, {
        bucket,
        key,
        source,
        sourceHash: `\${filemd5("${source}")}`,
        contentType: 'application/yaml',
        serverSideEncryption: 'aws:kms',
        kmsKeyId: foundation.projectKey.key.arn,
        bucketKeyEnabled: true,
      });
      return key;
    });
    new TerraformOutput(this, 'ArgocdBootstrapKeys', {
      value: bootstrapKeys.join(' '),
      description:
        'Keys of the Argo CD root objects the platform runner applies (BOOTSTRAP_KEYS of its build)',
    });

    new TerraformOutput(this, 'AssetCount', {
      value: this.assets.length,
      description: 'Number of ETL files (etl/jobs, etl/runners) uploaded to the assets bucket',
    });
    const runner = this.assets.find((asset) => asset.file === SQL_RUNNER);
    if (runner !== undefined) {
      new TerraformOutput(this, 'SqlRunnerKey', {
        value: runner.key,
        description: `Key in the assets bucket of ${SQL_RUNNER} (content-addressed)`,
      });
    }
  }
}

/**
 * Fails when two files of the ledger (current or deleted) give their versions the same Terraform addresses: one
 * address would then hold two different keys, and Terraform would delete one of them.
 */
function checkAddresses(ledger: Ledger, current: ReadonlyMap<string, string>): void {
  const stems = new Map<string, string>();
  for (const file of Object.keys(ledger)) {
    const stem = terraformName(assetConstructId(file));
    const other = stems.get(stem);
    stems.set(stem, file);
    if (other === undefined) continue;
    const address = `${S3Object.tfResourceType}.${stem}_v<n>`;
    if (current.has(other) && current.has(file)) {
      throw new Error(
        `assets '${other}' and '${file}' both give the Terraform address ${address}; rename one of them (names ` +
          'that differ only in case or punctuation collide)',
      );
    }
    if (!current.has(other) && !current.has(file)) {
      throw new Error(
        `deleted assets '${other}' and '${file}' in ${LEDGER_FILE} both give the Terraform address ${address}, ` +
          `which synth never lets happen: restore the committed ${LEDGER_FILE} (git checkout -- ${LEDGER_FILE})`,
      );
    }
    const [deleted, kept] = current.has(file) ? [other, file] : [file, other];
    throw new Error(
      `asset '${kept}' gives the Terraform address ${address} of '${deleted}', a deleted asset whose uploads ` +
        `${LEDGER_FILE} keeps; rename '${kept}' (or, only if no version of '${deleted}' was ever applied to any ` +
        `environment, remove its entry from ${LEDGER_FILE})`,
    );
  }
}
