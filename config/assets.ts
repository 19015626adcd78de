import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EnvironmentConfig } from './environment';
import { S3_PREFIXES, bucketName } from './naming';

/**
 * ETL assets: every file under these folders is uploaded by infra to the assets bucket under a content-addressed
 * key, and k8s points jobs at the same key. A changed file gets a new key, so running workflows keep their version
 * and nothing is ever overwritten or pruned.
 */
export const ASSET_ROOTS = ['etl/jobs', 'etl/runners'] as const;

/** One uploaded file. */
export interface Asset {
  /** Path relative to the repository root, `/`-separated, e.g. `etl/jobs/word-count/word_count.py`. */
  readonly file: string;
  /** `jobs/<first 16 hex digits of the SHA-256 of the content>/<path relative to etl/>`. */
  readonly key: string;
}

/** The content-addressed key of a file (repository-relative path and its bytes). */
export function assetKey(file: string, content: Uint8Array | string): string {
  if (!file.startsWith('etl/') || file.includes('\\')) {
    throw new Error(`asset '${file}': assets are repository-relative paths under etl/ with '/' separators`);
  }
  const digest = createHash('sha256').update(content).digest('hex').slice(0, 16);
  return `${S3_PREFIXES.jobAssets}${digest}/${file.slice('etl/'.length)}`;
}

/** The asset of one repository file; fails naming the file when it does not exist or is outside the asset roots. */
export function assetOf(repoRoot: string, file: string): Asset {
  if (!ASSET_ROOTS.some((root) => file.startsWith(`${root}/`))) {
    throw new Error(
      `'${file}' is not under ${ASSET_ROOTS.join(' or ')}, so it is not uploaded; move it there`,
    );
  }
  const absolute = path.join(repoRoot, file);
  if (!fs.existsSync(absolute) || !fs.statSync(absolute).isFile()) {
    throw new Error(`'${file}' does not exist`);
  }
  return { file, key: assetKey(file, fs.readFileSync(absolute)) };
}

/**
 * Files under the asset roots that are not uploaded: hidden files, Python caches and tests of the runners and jobs
 * (they run in `make test`, not on the cluster). Machine-local files must never change what synth produces.
 */
export function isUploaded(file: string): boolean {
  const parts = file.split('/');
  const base = parts[parts.length - 1];
  return (
    !parts.some((part) => part.startsWith('.') || part === '__pycache__' || part === 'node_modules') &&
    !base.endsWith('.pyc') &&
    !/^test_.*\.py$/.test(base) &&
    !/\.test\.ts$/.test(base)
  );
}

/** Every asset in the repository, sorted by path (see {@link isUploaded} for what is skipped). */
export function listAssets(repoRoot: string): Asset[] {
  const files: string[] = [];
  for (const root of ASSET_ROOTS) {
    const dir = path.join(repoRoot, root);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      const relative = path
        .relative(repoRoot, path.join(entry.parentPath, entry.name))
        .split(path.sep)
        .join('/');
      if (entry.isFile() && isUploaded(relative)) files.push(relative);
    }
  }
  return files.sort().map((file) => assetOf(repoRoot, file));
}

/** `s3a://<assets bucket>/<key>` (Spark/Hadoop scheme) or `s3://…`. */
export function assetUri(
  env: Pick<EnvironmentConfig, 'name' | 'prefix' | 'account' | 'region'>,
  asset: Asset,
  scheme: 's3a' | 's3' = 's3a',
): string {
  return `${scheme}://${bucketName(env, 'assets')}/${asset.key}`;
}
