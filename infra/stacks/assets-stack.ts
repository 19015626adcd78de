import * as path from 'node:path';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { bucketName, listAssets, type Asset } from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import type { FoundationStack } from './foundation-stack';

/** Props of {@link AssetsStack}. */
export interface AssetsStackProps extends EnvironmentStackProps {
  /** Owns the assets bucket (named by config) and the project key that encrypts every object. */
  readonly foundation: FoundationStack;
  /** Absolute path of the repository root; only read at synth time, it never reaches the output. */
  readonly repoRoot: string;
}

/**
 * Path from a stack's output folder (`dist/terraform/stacks/<stack>/`, where `terraform -chdir=…` runs) back to the
 * repository root. Terraform reads the asset files from the repository through it, so no file is copied into dist/
 * and no absolute path is written.
 */
export const STACK_DIR_TO_REPO_ROOT = '../../../..';

/** Tag naming the repository file an object was uploaded from. */
export const ASSET_TAG = 'sql-etl-on-eks:asset';

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

/** The runner the `sql` runtime submits; its key is output for people debugging a job by hand. */
const SQL_RUNNER = 'etl/runners/sql_runner.py';

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
 * Construct id of an asset's object, from its path under etl/ (stable for a file whatever its content):
 * `etl/jobs/word-count/word_count.py` → `Jobs_WordCount_WordCountPy`, Terraform name
 * `jobs_word_count_word_count_py`.
 */
export function assetConstructId(file: string): string {
  return file
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
 * What happens to the old object when a file changes: the file's resource keeps its address (the id comes from the
 * path), its `key` changes and Terraform replaces it — with `create_before_destroy` the new key exists before the
 * old one goes. The old key IS deleted, and permanently: in a versioned bucket the AWS provider deletes every version
 * of an object's key when it destroys an `aws_s3_object`, so bucket versioning does not keep it. Alternatives
 * considered: `prevent_destroy` would fail every apply after a change (a changed key is a replacement) and has no
 * effect once a resource leaves the configuration (a deleted or renamed file); a `removed { lifecycle { destroy =
 * false } }` block needs the old address, which a synth from the current tree alone cannot know. So the kit does not
 * fully honour "old keys are never pruned": apply Terraform when no run of a pipeline whose files changed is in flight
 * (a running workflow keeps its old keys for its remaining tasks and retries).
 */
export class AssetsStack extends EnvironmentStack {
  /** The uploaded assets, sorted by path. */
  public readonly assets: readonly Asset[];
  /** The object of each asset, by repository-relative path. */
  public readonly objects: ReadonlyMap<string, S3Object>;

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
    const bucket = bucketName(env, 'assets');
    const names = new Map<string, string>();
    const objects = new Map<string, S3Object>();

    for (const asset of this.assets) {
      if (!TAG_VALUE.test(asset.file)) {
        throw new Error(
          `asset '${asset.file}': use at most 256 characters from letters, digits, spaces and + - = . _ : / @ in ` +
            'file and folder names (the path becomes an S3 tag value and part of a Terraform expression)',
        );
      }
      const id = assetConstructId(asset.file);
      const name = terraformName(id);
      const clash = names.get(name);
      if (clash !== undefined) {
        throw new Error(
          `assets '${clash}' and '${asset.file}' both give the Terraform address aws_s3_object.${name}; ` +
            'rename one of them (names that differ only in case or punctuation collide)',
        );
      }
      names.set(name, asset.file);

      const source = `\${path.module}/${STACK_DIR_TO_REPO_ROOT}/${asset.file}`;
      const object = new S3Object(this, id, {
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
        // Upload the new key before the old one is deleted (see the class comment).
        lifecycle: { createBeforeDestroy: true },
      });
      objects.set(asset.file, object);
    }
    this.objects = objects;

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
