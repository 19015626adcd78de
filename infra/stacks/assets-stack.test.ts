import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Testing } from 'cdktf';
import { afterAll, describe, expect, test } from 'vitest';
import {
  LEDGER_FILE,
  assetKey,
  bucketName,
  ledgerText,
  updateLedger,
  type EnvironmentConfig,
  type Ledger,
} from '../../config';
import { imageContentVersion, REQUIRED_TERRAFORM_VERSION } from '../../config';
import { imageSourceKey } from '../constructs/image-pipeline';
import { DEV, devWith, resourcesOf, synthStack, testApp } from '../testing';
import { ASSET_TAG, AssetsStack, assetAddress, assetConstructId, contentTypeOf } from './assets-stack';
import { FoundationStack } from './foundation-stack';

const roots: string[] = [];

/** The runtime images' build contexts every repository has (the stack uploads them too). */
const IMAGE_FILES = {
  'etl/images/spark-runtime/Dockerfile': 'FROM apache/spark:pinned\n',
  'etl/images/arc-runtime/Dockerfile': 'FROM ghcr.io/tripl-ai/arc:pinned\n',
  'etl/images/pyspark-notebook/Dockerfile': 'FROM quay.io/jupyter/pyspark-notebook:pinned\n',
  'etl/images/arc-notebook/Dockerfile': 'FROM ghcr.io/tripl-ai/arc:pinned\n',
};

/** A throwaway repository root holding the given files (path → content) and the image build contexts. */
function repoWith(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'assets-stack-'));
  roots.push(root);
  for (const [file, content] of Object.entries({ ...IMAGE_FILES, ...files })) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

/** A repository root holding the files and a committed ledger. */
function repoWithLedger(files: Record<string, string>, ledger: Ledger): string {
  return repoWith({ ...files, [LEDGER_FILE]: ledgerText(ledger) });
}

afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

function build(repoRoot: string, env: EnvironmentConfig = DEV): AssetsStack {
  const app = testApp();
  const foundation = new FoundationStack(app, { env });
  return new AssetsStack(app, { env, foundation, repoRoot });
}
const synth = (repoRoot: string, env: EnvironmentConfig = DEV) => synthStack(build(repoRoot, env));

const FILES = {
  'etl/jobs/word-count/word_count.py': 'print("hello")\n',
  'etl/jobs/customer-scd2/initial_load.ipynb': '{"cells": []}\n',
  'etl/jobs/customer-scd2/data/contacts_initial.csv': 'id,name\n1,a\n',
  'etl/jobs/customer-scd2-sql/01_stage.sql': 'SELECT 1\n',
  'etl/jobs/arc/job.conf': 'stages = []\n',
  'etl/jobs/arc/params.json': '{}\n',
  'etl/runners/sql_runner.py': 'import sys\n',
  // Not assets: hidden files and files outside etl/jobs and etl/runners.
  'etl/jobs/.hidden.sql': 'SELECT 0\n',
  'etl/pipelines/word-count.yaml': 'name: word-count\n',
};

type ObjectJson = Record<string, unknown> & { key: string; source: string; source_hash: string };
type RemovedJson = { from: string; lifecycle: { destroy: boolean }[] };

const WORD_COUNT = 'etl/jobs/word-count/word_count.py';
const keyOf = (file: keyof typeof FILES | typeof WORD_COUNT, content?: string) =>
  assetKey(file, content ?? FILES[file]);
/** The uploaded ETL assets (jobs, runners), without the image source archives. */
const objectsOf = (json: ReturnType<typeof synth>['json']) =>
  Object.fromEntries(
    Object.entries(resourcesOf(json, 'aws_s3_object') as Record<string, ObjectJson>).filter(
      ([, o]) => !o.key.startsWith('image-sources/') && !o.key.startsWith('platform-source/'),
    ),
  );
const allRemovedOf = (json: ReturnType<typeof synth>['json']) =>
  (json as unknown as { removed?: RemovedJson[] }).removed ?? [];
/** The removed blocks of versioned addresses (the fixtures have no file name ending in `.v<n>`). */
const removedOf = (json: ReturnType<typeof synth>['json']) =>
  allRemovedOf(json).filter((block) => /_v\d+$/.test(block.from));

describe('AssetsStack', () => {
  const root = repoWith(FILES);
  const { raw, json } = synth(root);
  const objects = objectsOf(json);

  test('is named after the environment', () => {
    expect(build(root).node.id).toBe('dev-assets');
  });

  test('one object per asset, under its content-addressed key, in the assets bucket named by config', () => {
    const assets = Object.keys(FILES).filter((f) => /^etl\/(jobs|runners)\//.test(f) && !f.includes('/.'));
    expect(Object.keys(objects)).toHaveLength(assets.length);
    for (const file of assets) {
      const object = Object.values(objects).find(
        (o) => (o.tags as Record<string, string>)[ASSET_TAG] === file,
      );
      expect(object, file).toMatchObject({
        bucket: bucketName(DEV, 'assets'),
        key: assetKey(file, FILES[file as keyof typeof FILES]),
      });
    }
    expect(objects.jobs_word_count_word_count_py_v1.key).toMatch(
      /^jobs\/[0-9a-f]{16}\/jobs\/word-count\/word_count\.py$/,
    );
  });

  test('reads each file through a relative path from the stack folder, never an absolute one', () => {
    const object = objects.jobs_word_count_word_count_py_v1;
    expect(object.source).toBe('${path.module}/../../../../etl/jobs/word-count/word_count.py');
    expect(object.source_hash).toBe(
      '${filemd5("${path.module}/../../../../etl/jobs/word-count/word_count.py")}',
    );
    for (const o of Object.values(objects)) {
      expect(o.source).toMatch(/^\$\{path\.module\}\/\.\.\/\.\.\/\.\.\/\.\.\/etl\//);
      expect(o.source_hash).toBe(`\${filemd5("${o.source}")}`);
    }
    expect(raw).not.toContain(root);
    expect(raw).not.toContain(os.tmpdir());
  });

  test('the relative path leads from dist/terraform/stacks/<stack>/ to the repository file', () => {
    const stackDir = path.join(root, 'dist', 'terraform', 'stacks', 'dev-assets');
    const source = objects.runners_sql_runner_py_v1.source.replace('${path.module}', '.');
    expect(path.resolve(stackDir, source)).toBe(path.join(root, 'etl/runners/sql_runner.py'));
  });

  test('encrypts every object with the project key (SSE-KMS, bucket key) and sets no ACL', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, S3Object.tfResourceType, {
        server_side_encryption: 'aws:kms',
        kms_key_id: '${aws_kms_key.project_key.arn}',
        bucket_key_enabled: true,
      }),
    ).toBe(true);
    for (const o of Object.values(objects)) {
      expect(o).toMatchObject({
        server_side_encryption: 'aws:kms',
        kms_key_id: '${aws_kms_key.project_key.arn}',
        bucket_key_enabled: true,
      });
      expect(o.acl).toBeUndefined();
      // The ETag of an SSE-KMS object is not an MD5, so `etag` would cause an upload on every apply.
      expect(o.etag).toBeUndefined();
    }
  });

  test('sets the content type from the extension', () => {
    expect(objects.jobs_word_count_word_count_py_v1.content_type).toBe('text/x-python');
    expect(objects.jobs_customer_scd2_initial_load_ipynb_v1.content_type).toBe('application/json');
    expect(objects.jobs_customer_scd2_data_contacts_initial_csv_v1.content_type).toBe('text/csv');
    expect(objects.jobs_customer_scd2_sql_01_stage_sql_v1.content_type).toBe('text/plain');
    expect(objects.jobs_arc_job_conf_v1.content_type).toBe('text/plain');
    expect(objects.jobs_arc_params_json_v1.content_type).toBe('application/json');
    expect(contentTypeOf('etl/jobs/x/model.BIN')).toBe('application/octet-stream');
  });

  test('tags each object with its repository path', () => {
    expect(objects.runners_sql_runner_py_v1.tags).toEqual({ [ASSET_TAG]: 'etl/runners/sql_runner.py' });
  });

  test('replaces nothing: no lifecycle override on any object', () => {
    // create_before_destroy would upload, then delete every version of the key, on a same-key replacement.
    for (const o of Object.values(objects)) expect(o.lifecycle).toBeUndefined();
  });

  test('requires a Terraform version with removed blocks (1.7) and S3 lockfiles (1.10)', () => {
    expect((json.terraform as { required_version?: string }).required_version).toBe('>= 1.10');
    expect(REQUIRED_TERRAFORM_VERSION).toBe('>= 1.10');
  });

  test('forgets no version when the ledger lists only current keys', () => {
    expect(removedOf(json)).toEqual([]);
    const committed = repoWith(FILES);
    expect(updateLedger(committed).added).toBe(7);
    expect(synth(committed).raw).toBe(raw);
  });

  test('synth without make (ledger not yet updated) gives the same output as after make updates the ledger', () => {
    const base = repoWith(FILES);
    updateLedger(base);
    fs.writeFileSync(path.join(base, WORD_COUNT), 'print("bye")\n');
    const inMemory = synth(base).raw;
    expect(updateLedger(base)).toEqual({ changed: true, added: 1 });
    expect(synth(base).raw).toBe(inMemory);
  });

  describe('when a file changes', () => {
    const changed = { ...FILES, [WORD_COUNT]: 'print("bye")\n' };
    const root2 = repoWithLedger(changed, { [WORD_COUNT]: [keyOf(WORD_COUNT)] });
    const after = synth(root2).json;
    const objects2 = objectsOf(after);

    test('its object moves to a new address (_v1 to _v2) with the new key, everything else is equal', () => {
      expect(objects2.jobs_word_count_word_count_py_v1).toBeUndefined();
      const { key: newKey, ...newRest } = objects2.jobs_word_count_word_count_py_v2;
      const { key: oldKey, ...oldRest } = objects.jobs_word_count_word_count_py_v1;
      expect(newKey).toBe(keyOf(WORD_COUNT, 'print("bye")\n'));
      expect(newKey).not.toBe(oldKey);
      expect(newRest).toEqual(oldRest);
      for (const name of Object.keys(objects).filter((n) => n !== 'jobs_word_count_word_count_py_v1')) {
        expect(objects2[name]).toEqual(objects[name]);
      }
    });

    test('the old address is forgotten, never destroyed (removed block with destroy = false)', () => {
      expect(removedOf(after)).toEqual([
        { from: 'aws_s3_object.jobs_word_count_word_count_py_v1', lifecycle: [{ destroy: false }] },
      ]);
      expect(
        Testing.toHaveResourceWithProperties(JSON.stringify(after), S3Object.tfResourceType, {
          key: keyOf(WORD_COUNT, 'print("bye")\n'),
        }),
      ).toBe(true);
    });

    test('matches the snapshot (a changed file: its new version and the removed block of the old one)', () => {
      // Keys depend only on file contents, so the snapshot is stable across machines.
      expect(after).toMatchSnapshot();
    });

    test('reverting to the first content reuses _v1 and forgets only _v2', () => {
      const reverted = repoWithLedger(FILES, {
        [WORD_COUNT]: [keyOf(WORD_COUNT), keyOf(WORD_COUNT, 'print("bye")\n')],
      });
      const json3 = synth(reverted).json;
      expect(objectsOf(json3).jobs_word_count_word_count_py_v1.key).toBe(keyOf(WORD_COUNT));
      expect(objectsOf(json3).jobs_word_count_word_count_py_v2).toBeUndefined();
      expect(removedOf(json3)).toEqual([
        { from: 'aws_s3_object.jobs_word_count_word_count_py_v2', lifecycle: [{ destroy: false }] },
      ]);
    });

    test('an address is never reused for other content: a third content gets _v3', () => {
      const third = repoWithLedger(
        { ...FILES, [WORD_COUNT]: 'print(3)\n' },
        { [WORD_COUNT]: [keyOf(WORD_COUNT), keyOf(WORD_COUNT, 'print("bye")\n')] },
      );
      const json3 = synth(third).json;
      expect(objectsOf(json3).jobs_word_count_word_count_py_v3.key).toBe(keyOf(WORD_COUNT, 'print(3)\n'));
      expect(removedOf(json3)?.map((r) => r.from)).toEqual([
        'aws_s3_object.jobs_word_count_word_count_py_v1',
        'aws_s3_object.jobs_word_count_word_count_py_v2',
      ]);
    });
  });

  test('a deleted file keeps its ledger entry, and every version of it is forgotten, never destroyed', () => {
    const { [WORD_COUNT]: _deleted, ...rest } = FILES;
    const deleted = repoWithLedger(rest, {
      [WORD_COUNT]: [keyOf(WORD_COUNT), keyOf(WORD_COUNT, 'v2')],
      'etl/runners/sql_runner.py': [keyOf('etl/runners/sql_runner.py')],
    });
    const stack = build(deleted);
    const result = synthStack(stack).json;
    expect(Object.keys(objectsOf(result)).filter((n) => n.startsWith('jobs_word_count'))).toEqual([]);
    expect(removedOf(result)).toEqual([
      { from: 'aws_s3_object.jobs_word_count_word_count_py_v1', lifecycle: [{ destroy: false }] },
      { from: 'aws_s3_object.jobs_word_count_word_count_py_v2', lifecycle: [{ destroy: false }] },
    ]);
    expect(stack.forgotten).toEqual(
      expect.arrayContaining([assetAddress(WORD_COUNT, 1), assetAddress(WORD_COUNT, 2)]),
    );
    expect(stack.ledger[WORD_COUNT]).toHaveLength(2);
    expect(objectsOf(result).runners_sql_runner_py_v1.key).toBe(keyOf('etl/runners/sql_runner.py'));
  });

  test('forgets, never destroys, the unversioned addresses of earlier releases', () => {
    const legacy = allRemovedOf(json).filter((block) => !/_v\d+$/.test(block.from));
    expect(legacy).toHaveLength(7);
    expect(legacy).toContainEqual({
      from: 'aws_s3_object.jobs_word_count_word_count_py',
      lifecycle: [{ destroy: false }],
    });
    const { [WORD_COUNT]: _deleted, ...rest } = FILES;
    const app = testApp();
    const without = synthStack(
      new AssetsStack(app, {
        env: DEV,
        foundation: new FoundationStack(app, { env: DEV }),
        repoRoot: repoWithLedger(rest, { [WORD_COUNT]: [keyOf(WORD_COUNT)] }),
        forgetUnversionedAddresses: false,
      }),
    ).json;
    expect(allRemovedOf(without)).toEqual([
      { from: 'aws_s3_object.jobs_word_count_word_count_py_v1', lifecycle: [{ destroy: false }] },
    ]);
  });

  test('fails when a file gets an address the stack forgets for another file', () => {
    // `a.py.v1` (unversioned address jobs_apy_v1) against version 1 of `a.py`.
    expect(() => build(repoWith({ 'etl/jobs/a.py': '1', 'etl/jobs/a.py.v1': '2' }))).toThrow(
      /asset 'etl\/jobs\/a\.py' gets the Terraform address aws_s3_object\.jobs_apy_v1, which the stack also forgets .* rename 'etl\/jobs\/a\.py'/,
    );
  });

  test('fails when the committed ledger is malformed, naming the file and the fix', () => {
    expect(() => build(repoWith({ ...FILES, [LEDGER_FILE]: '{ oops' }))).toThrow(
      /^etl\/assets\.lock\.json: not valid JSON .*git checkout -- etl\/assets\.lock\.json/s,
    );
  });

  test('construct ids are readable and derived from the path only', () => {
    expect(assetConstructId('etl/jobs/word-count/word_count.py', 2)).toBe('Jobs_WordCount_WordCountPy_V2');
    expect(assetConstructId('etl/runners/sql_runner.py')).toBe('Runners_SqlRunnerPy');
    expect(assetAddress('etl/runners/sql_runner.py', 12)).toBe('aws_s3_object.runners_sql_runner_py_v12');
    const names = Object.keys(objects).sort();
    expect(names).toEqual([
      'jobs_arc_job_conf_v1',
      'jobs_arc_params_json_v1',
      'jobs_customer_scd2_data_contacts_initial_csv_v1',
      'jobs_customer_scd2_initial_load_ipynb_v1',
      'jobs_customer_scd2_sql_01_stage_sql_v1',
      'jobs_word_count_word_count_py_v1',
      'runners_sql_runner_py_v1',
    ]);
  });

  test('fails when two paths give the same Terraform address', () => {
    const clash = repoWith({ 'etl/jobs/word-count/query.sql': '1', 'etl/jobs/word_count/query.sql': '2' });
    expect(() => build(clash)).toThrow(
      /assets 'etl\/jobs\/word-count\/query\.sql' and 'etl\/jobs\/word_count\/query\.sql' both give the Terraform address aws_s3_object\.jobs_word_count_query_sql_v<n>; rename one/,
    );
    const caseClash = repoWith({ 'etl/jobs/loadData.sql': '1', 'etl/jobs/load_data.sql': '2' });
    expect(() => build(caseClash)).toThrow(
      /both give the Terraform address aws_s3_object\.jobs_load_data_sql_v<n>/,
    );
  });

  test('fails when a new file gives the addresses of a deleted one the ledger keeps', () => {
    const old = 'etl/jobs/word-count/query.sql';
    const clash = repoWithLedger({ 'etl/jobs/word_count/query.sql': '2' }, { [old]: [assetKey(old, '1')] });
    expect(() => build(clash)).toThrow(
      /asset 'etl\/jobs\/word_count\/query\.sql' gives the Terraform address aws_s3_object\.jobs_word_count_query_sql_v<n> of 'etl\/jobs\/word-count\/query\.sql', a deleted asset .* rename 'etl\/jobs\/word_count\/query\.sql' \(or, only if no version of 'etl\/jobs\/word-count\/query\.sql' was ever applied/,
    );
  });

  test('fails when a path has characters S3 tags or Terraform strings cannot hold', () => {
    expect(() => build(repoWith({ 'etl/jobs/x/a"b.sql': '1' }))).toThrow(
      /asset 'etl\/jobs\/x\/a"b\.sql': use at most/,
    );
    expect(() => build(repoWith({ 'etl/jobs/x/${y}.sql': '1' }))).toThrow(/use at most 256 characters/);
  });

  test('fails when the config has too many tags for S3 objects', () => {
    const tags = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`tag${i}`, 'v']));
    expect(() => build(root, devWith({ tags }))).toThrow(
      /S3 objects carry at most 10 tags, and the ETL assets would get 11 .* remove 1 from 'tags'/,
    );
  });

  test('an empty asset tree gives no job objects and a count of zero', () => {
    const empty = repoWith({ 'etl/pipelines/none.yaml': 'x' });
    const result = synth(empty).json;
    // Only the image source archives and the platform runner's sources: no job or runner object.
    expect(Object.keys(resourcesOf(result, 'aws_s3_object')).sort()).toEqual([
      'arc_notebook_source',
      'arc_runtime_source',
      'argocd_bootstrap0',
      'argocd_bootstrap1',
      'platform_source',
      'pyspark_notebook_source',
      'spark_runtime_source',
    ]);
    expect(result.output).toMatchObject({ asset_count: { value: 0 } });
  });

  test('outputs the asset count and the SQL runner key, each with a description', () => {
    expect(json.output?.asset_count.value).toBe(7);
    expect(json.output?.sql_runner_key.value).toBe(assetKey('etl/runners/sql_runner.py', 'import sys\n'));
    for (const output of Object.values(json.output ?? {})) {
      expect((output as { description?: string }).description).toMatch(/\w+/);
    }
  });

  test('exposes the assets and their objects by path', () => {
    const stack = build(root);
    expect(stack.assets.map((a) => a.file)).toContain('etl/runners/sql_runner.py');
    expect(stack.objects.get('etl/runners/sql_runner.py')).toBeInstanceOf(S3Object);
  });

  test('uploads the platform stack source for the platform runner, content-addressed by its SHA-256', () => {
    const source = '${path.module}/../dev-platform/cdk.tf.json';
    const key = `platform-source/\${filesha256("${source}")}/cdk.tf.json`;
    expect(resourcesOf(json, 'aws_s3_object').platform_source).toMatchObject({
      key,
      source,
      source_hash: `\${filemd5("${source}")}`,
      server_side_encryption: 'aws:kms',
      bucket: 'sqletl-dev-assets-111122223333-us-east-1',
    });
    expect(json.output!.platform_source_key).toMatchObject({ value: key });
    // The path leads from the assets stack's folder to the platform stack's synthesized file in dist/.
    const stackDir = path.join(__dirname, '../../dist/terraform/stacks/dev-assets');
    expect(fs.existsSync(path.join(stackDir, '../dev-platform/cdk.tf.json'))).toBe(true);
  });

  test("uploads the Argo CD root objects for the runner's bootstrap, content-addressed, from dist/k8s", () => {
    const objects = resourcesOf(json, 'aws_s3_object');
    const stackDir = path.join(__dirname, '../../dist/terraform/stacks/dev-assets');
    const keys: string[] = [];
    for (const [i, file] of ['AppProject.sqletl-dev.yaml', 'Application.sqletl-dev.yaml'].entries()) {
      const source = `\${path.module}/../../../k8s/dev/dev-argocd/${file}`;
      const key = `platform-source/\${filesha256("${source}")}/${file}`;
      expect(objects[`argocd_bootstrap${i}`]).toMatchObject({
        key,
        source,
        server_side_encryption: 'aws:kms',
      });
      expect(fs.existsSync(path.join(stackDir, source.replace('${path.module}/', '')))).toBe(true);
      keys.push(key);
    }
    expect(json.output!.argocd_bootstrap_keys).toMatchObject({ value: keys.join(' ') });
  });

  test('uploads each runtime image build context, zipped by Terraform, to the key its pipeline watches', () => {
    const { json } = synth(repoWith(FILES));
    const all = resourcesOf(json, 'aws_s3_object') as Record<string, ObjectJson & Record<string, unknown>>;
    const archives = (json as unknown as { data: { archive_file: Record<string, Record<string, unknown>> } })
      .data.archive_file;
    for (const image of ['spark-runtime', 'arc-runtime']) {
      const id = image.replace('-', '_');
      expect(archives[`${id}_source_archive`]).toMatchObject({
        type: 'zip',
        source_dir: `\${path.module}/../../../../etl/images/${image}`,
        output_path: `\${path.module}/.terraform/image-sources/${image}.zip`,
      });
      // Re-uploaded exactly when the content version (the image tag k8s pins) changes.
      const version = imageContentVersion([
        {
          path: 'Dockerfile',
          content: IMAGE_FILES[`etl/images/${image}/Dockerfile` as keyof typeof IMAGE_FILES],
        },
      ]);
      expect(all[`${id}_source`]).toMatchObject({
        key: imageSourceKey(image),
        source: `\${data.archive_file.${id}_source_archive.output_path}`,
        source_hash: version,
        server_side_encryption: 'aws:kms',
        tags: { 'sql-etl-on-eks:image-version': version },
      });
    }
    expect(
      (json as unknown as { terraform: { required_providers: Record<string, unknown> } }).terraform
        .required_providers.archive,
    ).toEqual({
      source: 'hashicorp/archive',
      version: '2.7.1',
    });
  });

  test('fails when an image build context is missing', () => {
    const root = repoWith(FILES);
    fs.rmSync(path.join(root, 'etl/images/arc-runtime'), { recursive: true });
    expect(() => build(root)).toThrow(
      /etl\/images\/arc-runtime: build context of image 'arc-runtime' is missing/,
    );
  });
});
