import * as path from 'node:path';
import { S3_PREFIXES } from '../../config';
import { type Problem, formatPath } from '../problem';
import { type AllowEntry, readAllowList, staleEntry } from './allow-list';
import type { DistEnvironment } from '../dist';
import { type ReferenceCheck, type Segments, asObject, listing, objectName, resourcesOfType } from './model';

/** The allow-list of deliberately external S3 locations (`locations:`). */
export const EXTERNAL_LOCATIONS_FILE = path.join(__dirname, 'external-locations.yaml');
const LIST_KEY = 'locations';

/** `s3://` or `s3a://`, a bucket, and an optional key; a URI ends at whitespace, a quote, a comma or a semicolon. */
const S3_URI = /\bs3a?:\/\/([^\s/"',;]+)(\/[^\s"',;]*)?/g;

/** Where the buckets of one environment come from. */
interface Buckets {
  /** bucket → what defines it. */
  readonly known: ReadonlyMap<string, string>;
  /** Assets bucket → keys of the objects the `<env>-assets` stack uploads. */
  readonly uploaded: ReadonlyMap<string, ReadonlySet<string>>;
}

function bucketOf(uri: unknown): string | undefined {
  const match = typeof uri === 'string' ? /^s3a?:\/\/([^/]+)/.exec(uri) : null;
  return match === null ? undefined : match[1];
}

/**
 * The buckets an environment's Terraform defines (`aws_s3_bucket.bucket`) and the data lake bucket its data stack names
 * without managing it (`data.existingDatalakeBucket`): the Glue database `location_uri` and the `datalake_bucket_name`
 * output.
 */
function bucketsOf(environment: DistEnvironment): Buckets {
  const known = new Map<string, string>();
  for (const bucket of resourcesOfType(environment, 'aws_s3_bucket')) {
    if (typeof bucket.values.bucket === 'string')
      known.set(bucket.values.bucket, `${bucket.file} ${bucket.address}`);
  }
  for (const database of resourcesOfType(environment, 'aws_glue_catalog_database')) {
    const bucket = bucketOf(database.values.location_uri);
    if (bucket !== undefined && !known.has(bucket)) known.set(bucket, `${database.file} ${database.address}`);
  }
  for (const stack of environment.stacks) {
    const value = stack.outputs.datalake_bucket_name?.value;
    if (typeof value === 'string' && !value.includes('${') && !known.has(value)) {
      known.set(value, `${stack.file} output.datalake_bucket_name`);
    }
  }
  const uploaded = new Map<string, Set<string>>();
  // The assets bucket (foundation stack) holds job files even before the assets stack uploads any.
  for (const bucket of resourcesOfType(environment, 'aws_s3_bucket').filter(
    (b) => b.name === 'assets_bucket',
  )) {
    if (typeof bucket.values.bucket === 'string') uploaded.set(bucket.values.bucket, new Set<string>());
  }
  for (const stack of environment.stacks.filter((s) => s.stack === `${environment.env}-assets`)) {
    for (const object of stack.resources.filter((r) => r.type === 'aws_s3_object')) {
      const { bucket, key } = object.values;
      if (typeof bucket !== 'string' || typeof key !== 'string') continue;
      uploaded.set(bucket, (uploaded.get(bucket) ?? new Set<string>()).add(key));
    }
  }
  return { known, uploaded };
}

function walkStrings(
  value: unknown,
  visit: (text: string, where: Segments) => void,
  where: Segments = [],
): void {
  if (typeof value === 'string') {
    visit(value, where);
  } else if (Array.isArray(value)) {
    (value as unknown[]).forEach((item, i) => walkStrings(item, visit, [...where, i]));
  } else {
    for (const [key, child] of Object.entries(asObject(value) ?? {})) {
      // An Argo resource template's manifest is checked as its own (embedded) object.
      if (key === 'manifest' && where[where.length - 1] === 'resource') continue;
      walkStrings(child, visit, [...where, key]);
    }
  }
}

function normalised(uri: string): string {
  return uri.replace(/^s3a:\/\//, 's3://');
}

/** Why an assets-bucket job key is not an uploaded object; undefined when it is. */
function missingUpload(
  bucket: string,
  key: string,
  keys: ReadonlySet<string>,
  env: string,
): string | undefined {
  if (keys.has(key) || (key.endsWith('/') && [...keys].some((k) => k.startsWith(key)))) return undefined;
  // Content-addressed keys are jobs/<hash>/<path>: the same path under another hash means a stale manifest.
  const rest = key.split('/').slice(2).join('/');
  const sameFile = [...keys].filter((k) => rest !== '' && k.split('/').slice(2).join('/') === rest);
  return (
    `s3://${bucket}/${key} is not an object the ${env}-assets stack uploads (aws_s3_object)` +
    (sameFile.length > 0 ? `; that file is uploaded as ${listing(sameFile)} (stale content hash?)` : '')
  );
}

/**
 * Every S3 URI (`s3://`, `s3a://`) in a manifest (embedded ones included) points into a bucket the environment's
 * Terraform defines or its data lake bucket, and a job file (a `jobs/` key in an assets bucket) is an object the
 * `<env>-assets` stack uploads; deliberately external locations are listed, with a reason, in
 * verify/references/external-locations.yaml (stale entries are problems). URIs whose bucket holds an expression are
 * resolved at run time and not checked.
 */
export const s3LocationsCheck: ReferenceCheck = createS3LocationsCheck(EXTERNAL_LOCATIONS_FILE);

/** {@link s3LocationsCheck} with another allow-list file (tests). */
export function createS3LocationsCheck(allowListFile: string): ReferenceCheck {
  return {
    id: 's3-locations',
    title:
      'S3 URIs in manifests point into Terraform buckets, uploaded job objects or allowed external locations',
    run(input) {
      const list = readAllowList(allowListFile, input.reportRoot, LIST_KEY, ['uri'], ['env']);
      const problems: Problem[] = [...list.problems];
      for (const entry of list.entries) {
        if (!/^s3a?:\/\/[^/]+\//.test(entry.fields.uri)) {
          problems.push({
            file: list.file,
            object: formatPath([LIST_KEY, entry.index]),
            message: `uri "${entry.fields.uri}" must be s3://<bucket>/ or longer`,
          });
        }
      }
      const used = new Set<AllowEntry>();
      let checked = 0;
      for (const environment of input.environments) {
        const { known, uploaded } = bucketsOf(environment);
        for (const object of environment.objects) {
          walkStrings(object.manifest, (text, where) => {
            for (const match of text.matchAll(S3_URI)) {
              const [uri, bucket] = match;
              const key = (match[2] ?? '').replace(/^\//, '');
              if (/[{}<>$]/.test(bucket) || text.slice((match.index ?? 0) + uri.length).startsWith('{{'))
                continue;
              checked += 1;
              const report = (message: string): void => {
                problems.push({
                  file: object.file,
                  object: objectName(object),
                  message: `${formatPath(where)}: ${message}`,
                });
              };
              const allowed = list.entries.find(
                (e) =>
                  (e.fields.env === undefined || e.fields.env === environment.env) &&
                  normalised(`${uri}${key === '' ? '/' : ''}`).startsWith(normalised(e.fields.uri)),
              );
              if (allowed !== undefined) {
                used.add(allowed);
                continue;
              }
              if (!known.has(bucket)) {
                report(
                  `${uri} points into bucket "${bucket}", which no aws_s3_bucket of ${environment.env} defines, is not ` +
                    `its data lake bucket and is not listed in ${list.file}; buckets: ${listing(known.keys())}`,
                );
                continue;
              }
              const keys = uploaded.get(bucket);
              if (keys !== undefined && key.startsWith(S3_PREFIXES.jobAssets)) {
                const missing = missingUpload(bucket, key, keys, environment.env);
                if (missing !== undefined) report(missing);
              }
            }
          });
        }
      }
      for (const entry of list.entries.filter((e) => !used.has(e))) {
        problems.push(staleEntry(list, LIST_KEY, entry, entry.fields.uri));
      }
      return { problems, checked };
    },
  };
}
