import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { applySuppressions, loadCheckovSuppressions, parseCheckovJson } from './checkov-report';

const check = (id: string, resource: string, file = '/a.yaml') => ({
  check_id: id,
  check_name: `name of ${id}`,
  resource,
  file_path: file,
});

describe('checkov reports and suppressions', () => {
  test('reads one report or a list of them, with passed, failed and parsing errors', () => {
    const one = parseCheckovJson(
      JSON.stringify({
        check_type: 'kubernetes',
        results: {
          passed_checks: [check('CKV_K8S_1', 'Pod.a.b')],
          failed_checks: [],
          parsing_errors: ['/x.yaml'],
        },
      }),
    );
    expect(one.passed).toHaveLength(1);
    expect(one.parsingErrors).toEqual(['/x.yaml']);
    const two = parseCheckovJson(
      JSON.stringify([
        {
          check_type: 'terraform_json',
          results: { failed_checks: [check('CKV_AWS_18', 'aws_s3_bucket.b')] },
        },
        { check_type: 'kubernetes', results: { failed_checks: [check('CKV_K8S_8', 'Deployment.ns.d')] } },
      ]),
    );
    expect(two.failed.map((r) => `${r.framework} ${r.checkId} ${r.resource}`)).toEqual([
      'terraform_json CKV_AWS_18 aws_s3_bucket.b',
      'kubernetes CKV_K8S_8 Deployment.ns.d',
    ]);
  });

  test('a finding is suppressed only by its check id and object (or *), and unused entries are named', () => {
    const failed = parseCheckovJson(
      JSON.stringify({
        check_type: 'terraform_json',
        results: {
          failed_checks: [check('CKV_AWS_18', 'aws_s3_bucket.b'), check('CKV_AWS_21', 'aws_s3_bucket.b')],
        },
      }),
    ).failed;
    const reason = 'not applicable because this bucket is the access-log target itself';
    const result = applySuppressions(failed, [
      { check: 'CKV_AWS_18', object: 'aws_s3_bucket.b', reason },
      { check: 'CKV_AWS_21', object: 'aws_s3_bucket.other', reason },
    ]);
    expect(result.suppressed.map((r) => r.checkId)).toEqual(['CKV_AWS_18']);
    expect(result.unexplained.map((r) => r.checkId)).toEqual(['CKV_AWS_21']);
    expect(result.unused.map((s) => s.object)).toEqual(['aws_s3_bucket.other']);
    expect(
      applySuppressions(failed, [{ check: 'CKV_AWS_21', object: '*', reason }]).unexplained,
    ).toHaveLength(1);
  });

  test('an object pattern matches with * and a target limits it to one scanned folder', () => {
    const failed = [
      {
        framework: 'kubernetes',
        checkId: 'CKV_K8S_43',
        checkName: 'n',
        resource: 'Deployment.argocd.server',
        file: '.build/helm/dev/argo-cd/manifest.yaml',
      },
      {
        framework: 'kubernetes',
        checkId: 'CKV_K8S_43',
        checkName: 'n',
        resource: 'Deployment.argocd.server',
        file: 'dist/k8s/dev/x.yaml',
      },
      {
        framework: 'kubernetes',
        checkId: 'CKV_K8S_43',
        checkName: 'n',
        resource: 'Deployment.argo.server',
        file: '.build/helm/dev/argo/manifest.yaml',
      },
    ];
    const reason = 'pinned by tag in the chart, and the chart version is pinned too';
    const result = applySuppressions(failed, [
      { check: 'CKV_K8S_43', object: 'Deployment.argocd.*', target: '.build/helm', reason },
    ]);
    expect(result.suppressed.map((r) => r.file)).toEqual(['.build/helm/dev/argo-cd/manifest.yaml']);
    expect(result.unexplained.map((r) => r.resource)).toEqual([
      'Deployment.argocd.server',
      'Deployment.argo.server',
    ]);
  });

  test('refuses a suppression without a check id, an object or a real reason', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkov-supp-'));
    const file = path.join(dir, 's.yaml');
    fs.writeFileSync(
      file,
      'suppressions:\n  - { check: CKV_AWS_18, object: aws_s3_bucket.b, reason: fine }\n',
    );
    expect(() => loadCheckovSuppressions(file)).toThrow(
      /suppressions\[0\] \(CKV_AWS_18 aws_s3_bucket.b\).reason/,
    );
    fs.writeFileSync(file, 'suppressions:\n  - { check: S3-1, object: x, reason: a b c d e f }\n');
    expect(() => loadCheckovSuppressions(file)).toThrow(/suppressions\[0\].check must be a checkov check id/);
    fs.writeFileSync(file, 'suppressions: []\n');
    expect(loadCheckovSuppressions(file)).toEqual([]);
  });

  test('the committed suppression file loads', () => {
    expect(() => loadCheckovSuppressions(path.join(__dirname, 'checkov', 'suppressions.yaml'))).not.toThrow();
  });
});
