import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import { stringify } from 'yaml';

/**
 * Test helper: writes a tiny dist/ tree into a fresh temporary folder and returns the dist path. Keys are paths below
 * dist/; a string is written as is, an array as a multi-document YAML file, an object as YAML (or JSON for *.json).
 */
export function makeDist(files: Readonly<Record<string, string | object>>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-test-'));
  const dist = path.join(root, 'dist');
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(dist, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, render(relative, content));
  }
  return dist;
}

function render(relative: string, content: string | object): string {
  if (typeof content === 'string') {
    return content;
  }
  if (relative.endsWith('.json')) {
    return `${JSON.stringify(content, null, 2)}\n`;
  }
  const documents = Array.isArray(content) ? (content as unknown[]) : [content];
  return documents.map((document) => stringify(document)).join('---\n');
}

/** A minimal valid cdktf output: manifest.json listing one stack, and that stack. */
export function terraformFiles(stack: object = { resource: {} }): Record<string, object> {
  return {
    'terraform/manifest.json': {
      stacks: {
        'dev-test': {
          annotations: [],
          name: 'dev-test',
          synthesizedStackPath: 'stacks/dev-test/cdk.tf.json',
          workingDirectory: 'stacks/dev-test',
        },
      },
      version: '0.21.0',
    },
    'terraform/stacks/dev-test/cdk.tf.json': stack,
  };
}

/** A valid Arc SparkApplication, to mutate in tests. */
export function sparkApplication(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'SparkApplication',
    metadata: { name, namespace: 'spark-jobs' },
    spec: {
      type: 'Scala',
      mode: 'cluster',
      sparkVersion: '3.3.4',
      image: 'ghcr.io/tripl-ai/arc:arc_4.2.0_spark_3.3.4_scala_2.12_hadoop_3.3.2_4.2.1_slim',
      mainClass: 'ai.tripl.arc.ARC',
      mainApplicationFile: 'local:///opt/spark/jars/arc.jar',
      arguments: ['--etl.config.uri=s3a://bucket/etl/jobs/a.ipynb'],
      driver: { cores: 1, memory: '2g', serviceAccount: 'spark-job-runner' },
      executor: { cores: 2, instances: 2, memory: '4g' },
      ...spec,
    },
  };
}

/** A valid Namespace. */
export function namespace(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': 'x' } },
  };
}

/** `expect.stringMatching` typed as the string it stands for, so it can sit in typed object literals. */
export function matching(pattern: RegExp): string {
  return expect.stringMatching(pattern) as string;
}
