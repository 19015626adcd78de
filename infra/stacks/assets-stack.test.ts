import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Testing } from 'cdktf';
import { afterAll, describe, expect, test } from 'vitest';
import { assetKey, bucketName, type EnvironmentConfig } from '../../config';
import { DEV, devWith, resourcesOf, synthStack, testApp } from '../testing';
import { ASSET_TAG, AssetsStack, assetConstructId, contentTypeOf } from './assets-stack';
import { FoundationStack } from './foundation-stack';

const roots: string[] = [];

/** A throwaway repository root holding the given files (path → content). */
function repoWith(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'assets-stack-'));
  roots.push(root);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
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

describe('AssetsStack', () => {
  const root = repoWith(FILES);
  const { raw, json } = synth(root);
  const objects = resourcesOf(json, 'aws_s3_object') as Record<string, ObjectJson>;

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
    expect(objects.jobs_word_count_word_count_py.key).toMatch(
      /^jobs\/[0-9a-f]{16}\/jobs\/word-count\/word_count\.py$/,
    );
  });

  test('reads each file through a relative path from the stack folder, never an absolute one', () => {
    const object = objects.jobs_word_count_word_count_py;
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
    const source = objects.runners_sql_runner_py.source.replace('${path.module}', '.');
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
    expect(objects.jobs_word_count_word_count_py.content_type).toBe('text/x-python');
    expect(objects.jobs_customer_scd2_initial_load_ipynb.content_type).toBe('application/json');
    expect(objects.jobs_customer_scd2_data_contacts_initial_csv.content_type).toBe('text/csv');
    expect(objects.jobs_customer_scd2_sql_01_stage_sql.content_type).toBe('text/plain');
    expect(objects.jobs_arc_job_conf.content_type).toBe('text/plain');
    expect(objects.jobs_arc_params_json.content_type).toBe('application/json');
    expect(contentTypeOf('etl/jobs/x/model.BIN')).toBe('application/octet-stream');
  });

  test('tags each object with its repository path', () => {
    expect(objects.runners_sql_runner_py.tags).toEqual({ [ASSET_TAG]: 'etl/runners/sql_runner.py' });
  });

  test('uploads the new key before the old one is deleted when a file changes', () => {
    for (const o of Object.values(objects)) expect(o.lifecycle).toEqual({ create_before_destroy: true });
  });

  test('changing a file changes its key and nothing else', () => {
    const changed = repoWith({ ...FILES, 'etl/jobs/word-count/word_count.py': 'print("bye")\n' });
    const after = resourcesOf(synth(changed).json, 'aws_s3_object') as Record<string, ObjectJson>;
    expect(Object.keys(after)).toEqual(Object.keys(objects));
    const { key: oldKey, ...oldRest } = objects.jobs_word_count_word_count_py;
    const { key: newKey, ...newRest } = after.jobs_word_count_word_count_py;
    expect(newKey).not.toBe(oldKey);
    expect(newRest).toEqual(oldRest);
    for (const name of Object.keys(objects).filter((n) => n !== 'jobs_word_count_word_count_py')) {
      expect(after[name]).toEqual(objects[name]);
    }
  });

  test('construct ids are readable and derived from the path only', () => {
    expect(assetConstructId('etl/jobs/word-count/word_count.py')).toBe('Jobs_WordCount_WordCountPy');
    expect(assetConstructId('etl/runners/sql_runner.py')).toBe('Runners_SqlRunnerPy');
    const names = Object.keys(objects).sort();
    expect(names).toEqual([
      'jobs_arc_job_conf',
      'jobs_arc_params_json',
      'jobs_customer_scd2_data_contacts_initial_csv',
      'jobs_customer_scd2_initial_load_ipynb',
      'jobs_customer_scd2_sql_01_stage_sql',
      'jobs_word_count_word_count_py',
      'runners_sql_runner_py',
    ]);
  });

  test('fails when two paths give the same Terraform address', () => {
    const clash = repoWith({ 'etl/jobs/word-count/query.sql': '1', 'etl/jobs/word_count/query.sql': '2' });
    expect(() => build(clash)).toThrow(
      /assets 'etl\/jobs\/word-count\/query\.sql' and 'etl\/jobs\/word_count\/query\.sql' both give the Terraform address aws_s3_object\.jobs_word_count_query_sql; rename one/,
    );
    const caseClash = repoWith({ 'etl/jobs/loadData.sql': '1', 'etl/jobs/load_data.sql': '2' });
    expect(() => build(caseClash)).toThrow(
      /both give the Terraform address aws_s3_object\.jobs_load_data_sql/,
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

  test('an empty asset tree gives no objects and a count of zero', () => {
    const empty = repoWith({ 'etl/pipelines/none.yaml': 'x' });
    const result = synth(empty).json;
    // Not even an empty `resource` block: Terraform accepts a configuration with outputs only.
    expect(result.resource as unknown).toBeUndefined();
    expect(result.output).toEqual({ asset_count: expect.objectContaining({ value: 0 }) as unknown });
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

  test('matches the snapshot', () => {
    // Keys depend only on file contents, so the snapshot is stable across machines.
    expect(json).toMatchSnapshot();
  });
});
