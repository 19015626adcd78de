import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { findLeaks } from './leaks';
import { loadDist } from './dist';
import { terraformAddress, verifyTerraform } from './terraform';
import { makeDist, matching, terraformFiles } from './testing';
import { REPO_ROOT } from './upstream-cache';

const STACK = 'dist/terraform/stacks/dev-test/cdk.tf.json';

function problemsOf(
  stack: object,
  extra: Record<string, object> = {},
): { file: string; object: string; message: string }[] {
  const dist = makeDist({ ...terraformFiles(stack), ...extra });
  return verifyTerraform(loadDist(dist, path.dirname(dist)), {
    homeDir: '/home/synth-user',
  }).problems;
}

describe('verifyTerraform', () => {
  test('reports an unresolved cdktf token with the resource address', () => {
    const stack = { resource: { aws_s3_bucket: { lake: { bucket: 'lake-${TfToken[TOKEN.1]}' } } } };
    expect(problemsOf(stack)).toEqual([
      {
        file: STACK,
        object: 'aws_s3_bucket.lake',
        message: matching(/^bucket: holds the unresolved token \$\{TfToken\[TOKEN\.1\]\}/),
      },
    ]);
  });

  test("reports the repository's absolute path, e.g. from a stack trace, with the resource address", () => {
    const stack = {
      resource: {
        aws_s3_object: {
          job: {
            '//': {
              metadata: { stackTrace: [`at new Stack (${REPO_ROOT}/infra/stacks/etl-stack.ts:12:5)`] },
            },
            key: 'etl/jobs/abc123/job.ipynb',
          },
        },
      },
    };
    expect(problemsOf(stack)).toEqual([
      {
        file: STACK,
        object: 'aws_s3_object.job',
        message: matching(
          /^\["\/\/"\]\.metadata\.stackTrace\[0\]: holds the absolute local path ".*\/infra\/stacks\/etl-stack\.ts:12:5\)"/,
        ),
      },
    ]);
  });

  test('reports home, temporary and Windows paths; names the backend or JSON path when not a resource', () => {
    const stack = {
      terraform: { backend: { local: { path: '/home/synth-user/state.tfstate' } } },
      locals: { scratch: '/tmp/cdktf-123/asset.zip', win: 'C:\\Users\\me\\asset.zip' },
      data: { aws_iam_policy_document: { p: { source_policy_documents: ['file:///Users/me/p.json'] } } },
    };
    const problems = problemsOf(stack).map((p) => `${p.object} ${p.message}`);
    expect(problems).toEqual([
      matching(/^terraform\.backend\.local path: holds the absolute local path "\/home\/synth-user\/state/),
      matching(/^local\.scratch holds the absolute local path "\/tmp\/cdktf-123\/asset\.zip"/),
      matching(/^local\.win holds the absolute local path "C:\\Users\\me\\asset\.zip"/),
      matching(/^data\.aws_iam_policy_document\.p source_policy_documents\[0\]: holds the absolute local/),
    ]);
  });

  test('does not flag log groups, S3 keys, URLs or ARNs', () => {
    const stack = {
      resource: {
        aws_cloudwatch_log_group: { eks: { name: '/aws/eks/sqletl-dev/cluster' } },
        aws_s3_object: { job: { key: 'etl/jobs/tmp/abc.sql', source: 'assets/tmp/abc.sql' } },
        aws_iam_policy: {
          p: {
            policy:
              '{"Resource":"arn:aws:s3:::bucket/work/tmp/*","Url":"s3://bucket/home/x/y","Path":"/aws-reserved/x/"}',
          },
        },
      },
      output: { url: { value: 'https://example.com/tmp/x' } },
      locals: { buildspec: 'phases:\n  build:\n    commands:\n      - cd /tmp/build\n' },
    };
    expect(problemsOf(stack)).toEqual([]);
  });

  test('reports a cdktf number token', () => {
    // cdktf encodes number tokens as doubles whose top 16 bits are 0xFDFF.
    const view = new DataView(new ArrayBuffer(8));
    view.setUint32(0, 0xfdff0000);
    view.setUint32(4, 7);
    const stack = {
      resource: { aws_eks_node_group: { spot: { scaling_config: [{ max_size: view.getFloat64(0) }] } } },
    };
    expect(problemsOf(stack)).toEqual([
      expect.objectContaining({
        object: 'aws_eks_node_group.spot',
        message: matching(/number token/),
      }),
    ]);
  });

  test('reports invalid JSON, unlisted stacks, missing stack files and error annotations', () => {
    const dist = makeDist({
      'terraform/manifest.json': {
        stacks: {
          gone: { synthesizedStackPath: 'stacks/gone/cdk.tf.json', annotations: [] },
          bad: {
            synthesizedStackPath: 'stacks/bad/cdk.tf.json',
            annotations: [{ constructPath: 'bad/Bucket', level: 'error', message: 'no region' }],
          },
        },
      },
      'terraform/stacks/bad/cdk.tf.json': '{ not json',
      'terraform/stacks/stale/cdk.tf.json': {},
    });
    const problems = verifyTerraform(loadDist(dist, path.dirname(dist)), {}).problems;
    expect(problems.map((p) => `${p.file} ${p.object} ${p.message}`).sort()).toEqual([
      'dist/terraform/manifest.json stacks.bad.annotations[0] cdktf error at bad/Bucket: no region',
      'dist/terraform/manifest.json stacks.gone synthesizedStackPath stacks/gone/cdk.tf.json does not exist; run `make synth`',
      matching(/^dist\/terraform\/stacks\/bad\/cdk\.tf\.json \(file\) not valid JSON: /),
      matching(
        /^dist\/terraform\/stacks\/stale\/cdk\.tf\.json \(file\) stack file is not listed in manifest\.json/,
      ),
    ]);
  });
});

describe('terraformAddress', () => {
  test('maps JSON paths to Terraform addresses', () => {
    expect(terraformAddress(['resource', 'aws_s3_bucket', 'lake', 'tags', 'Name'])).toEqual({
      object: 'aws_s3_bucket.lake',
      field: 'tags.Name',
    });
    expect(terraformAddress(['provider', 'aws', 0, 'region'])).toEqual({
      object: 'provider.aws[0]',
      field: 'region',
    });
    expect(terraformAddress(['variable', 'x', 'default'])).toEqual({ object: 'var.x', field: 'default' });
    expect(terraformAddress(['//', 'metadata', 'path'])).toEqual({
      object: '["//"].metadata.path',
      field: '',
    });
  });
});

describe('findLeaks', () => {
  test('does not flag container paths in Kubernetes mode', () => {
    const pod = { mountPath: '/tmp/spark-local', home: '/home/jovyan/work', script: '/root/.ivy2' };
    expect(findLeaks(pod, { repoRoot: REPO_ROOT })).toEqual([]);
  });

  test('matches the repository path only as a whole path', () => {
    expect(findLeaks({ a: `${REPO_ROOT}-other/x` }, { repoRoot: REPO_ROOT })).toEqual([]);
    expect(findLeaks({ a: `${REPO_ROOT}` }, { repoRoot: REPO_ROOT })).toHaveLength(1);
  });
});

describe('Helm values', () => {
  const release = (values: string[], version = '4.4.0'): object => ({
    resource: {
      helm_release: {
        jupyterhub: {
          name: 'jupyterhub',
          chart: 'jupyterhub',
          repository: 'https://hub.jupyter.org/helm-chart/',
          version,
          values,
        },
        other: {
          name: 'x',
          chart: 'spark-operator',
          version: '2.5.2',
          values: ['controller:\n  replicas: 1\n'],
        },
      },
    },
  });

  test('accepts values the released charts know', () => {
    const values = 'hub:\n  baseUrl: /jupyter\nsingleuser:\n  storage:\n    homeMountPath: /home/jovyan\n';
    expect(problemsOf(release([values]))).toEqual([]);
  });

  test('reports misspelt keys, wrong types after merging over the defaults, and an unpinned chart version', () => {
    expect(
      problemsOf(release(['singleuser:\n  imag:\n    name: x\n', 'hub:\n  baseUrl: 7\n'])).map(
        (p) => `${p.object} ${p.message}`,
      ),
    ).toEqual([
      matching(
        /^helm_release\.jupyterhub values\[0\]\.singleuser\.imag: key 'imag' is unknown to chart jupyterhub 4\.4\.0.*did you mean 'image'\?$/,
      ),
      matching(
        /^helm_release\.jupyterhub values merged over jupyterhub 4\.4\.0 defaults, against its values\.schema\.json: hub\.baseUrl: must be string \(got number 7\)$/,
      ),
    ]);
    expect(problemsOf(release([], '4.3.0')).map((p) => `${p.object} ${p.message}`)).toEqual([
      matching(
        /^helm_release\.jupyterhub chart jupyterhub 4\.3\.0 is not in the upstream cache .*run `make cache`$/,
      ),
    ]);
  });
});
