import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { bucketName, loadEnvironments } from '../config';

/** Reads dist/ only: what the two layers produced must agree. */
const DIST = path.resolve(__dirname, '../dist');

function filesBelow(dir: string, suffix: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Keys of every object the env's assets stack uploads. */
function uploadedKeys(env: string): Set<string> {
  const file = path.join(DIST, 'terraform', 'stacks', `${env}-assets`, 'cdk.tf.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    resource: { aws_s3_object: Record<string, { bucket: string; key: string }> };
  };
  return new Set(Object.values(json.resource.aws_s3_object).map((o) => `${o.bucket}/${o.key}`));
}

describe('dist/k8s and dist/terraform agree', () => {
  for (const env of loadEnvironments()) {
    test(`${env.name}: every job and runner URI in a manifest is an object the assets stack uploads`, () => {
      const uploaded = uploadedKeys(env.name);
      const assets = bucketName(env, 'assets');
      const uris = filesBelow(path.join(DIST, 'k8s', env.name), '.yaml').flatMap((file) =>
        [...fs.readFileSync(file, 'utf8').matchAll(/s3a?:\/\/([a-z0-9.-]+)\/(jobs\/[^\s"',]+)/g)].map(
          (m) => ({
            file: path.relative(DIST, file),
            bucket: m[1],
            key: m[2],
          }),
        ),
      );
      expect(uris.length).toBeGreaterThan(5);
      for (const uri of uris) {
        expect(uri.bucket, `${uri.file}: ${uri.key}`).toBe(assets);
        expect(uploaded.has(`${uri.bucket}/${uri.key}`), `${uri.file}: s3a://${uri.bucket}/${uri.key}`).toBe(
          true,
        );
      }
    });
  }

  test('the check fails on a URI whose content key was not uploaded', () => {
    const uploaded = uploadedKeys('dev');
    const stale = `${bucketName(loadEnvironments(['dev'])[0], 'assets')}/jobs/0000000000000000/jobs/x.sql`;
    expect(uploaded.has(stale)).toBe(false);
  });
});
