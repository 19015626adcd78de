import { describe, expect, test } from 'vitest';
import { irsaRolesCheck } from './irsa-roles';
import type { Json } from './model';
import { asObject, at } from './model';
import { copyDist, editJson, editYaml, lines, runOn, setIn } from './testing';

const RUNNER = 'k8s/dev/dev-workload-identities/ServiceAccount.spark-job-runner.yaml';
const WHERE = `dist/${RUNNER}  ServiceAccount/spark-jobs/spark-job-runner  metadata.annotations["eks.amazonaws.com/role-arn"]`;
const WORKLOADS = 'terraform/stacks/dev-workloads/cdk.tf.json';

/** Edits the first statement of the spark-job-runner trust policy document of dev. */
function editTrust(dist: string, edit: (statement: Json) => void): void {
  editJson(dist, WORKLOADS, (json) => {
    const statement = asObject(
      at(json, ['data', 'aws_iam_policy_document', 'spark_job_runner_trust', 'statement', 0]),
    );
    if (statement === undefined) throw new Error('no trust statement');
    edit(statement);
  });
}

describe('irsa-roles', () => {
  test('every IRSA annotation of the committed dist/ names a role trusting exactly its service account', () => {
    const result = runOn(irsaRolesCheck);
    expect(lines(result)).toEqual([]);
    // spark-job-runner, jupyter-singleuser and jupyter-singleuser-readonly, in dev and prod.
    expect(result.checked).toBe(18);
  });

  test('fails on an annotation naming a role the Terraform does not define', () => {
    const dist = copyDist();
    editYaml(dist, RUNNER, (account) =>
      setIn(
        account,
        ['metadata', 'annotations', 'eks.amazonaws.com/role-arn'],
        'arn:aws:iam::111122223333:role/sqletl-dev-us-east-1-spark-runner',
      ),
    );
    expect(lines(runOn(irsaRolesCheck, dist))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${escape(WHERE)}: no aws_iam_role named "sqletl-dev-us-east-1-spark-runner" in the dev-\\* stacks; roles: .*sqletl-dev-us-east-1-spark-job-runner`,
        ),
      ),
    ]);
  });

  test('fails when the trust policy accepts a wildcard subject instead of exactly the service account', () => {
    const dist = copyDist();
    editTrust(dist, (statement) =>
      setIn(statement, ['condition', 0], {
        test: 'StringLike',
        values: ['system:serviceaccount:spark-jobs:*'],
        variable: at(statement, ['condition', 0, 'variable']),
      }),
    );
    expect(lines(runOn(irsaRolesCheck, dist))).toEqual([
      `${WHERE}: aws_iam_role.spark_job_runner (dist/${WORKLOADS}) must trust exactly ` +
        '"system:serviceaccount:spark-jobs:spark-job-runner" (StringEquals on <issuer>:sub); it trusts StringLike ' +
        '[system:serviceaccount:spark-jobs:*]',
    ]);
  });

  test('fails when the Federated principal is not the cluster OIDC provider', () => {
    const dist = copyDist();
    editTrust(dist, (statement) =>
      setIn(
        statement,
        ['principals', 0, 'identifiers'],
        ['arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE'],
      ),
    );
    expect(lines(runOn(irsaRolesCheck, dist))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${escape(WHERE)}: aws_iam_role.spark_job_runner \\(dist/${escape(WORKLOADS)}\\) trusts Federated arn:aws:iam::111122223333:oidc-provider/.*, not the ARN of an aws_iam_openid_connect_provider`,
        ),
      ),
    ]);
  });

  test('fails when the remote state output the trust reads is not the OIDC provider ARN', () => {
    const dist = copyDist();
    editJson(dist, 'terraform/stacks/dev-cluster/cdk.tf.json', (json) =>
      setIn(
        json,
        ['output', 'cross_stack_output_aws_iam_openid_connect_provider_oidc_provider_arn', 'value'],
        '${aws_eks_cluster.cluster.arn}',
      ),
    );
    const found = lines(runOn(irsaRolesCheck, dist));
    // The three IRSA accounts of dev's platform and the three of each of its two teams read it through that output.
    expect(found).toHaveLength(9);
    expect(found.every((line) => line.includes('not the ARN of an aws_iam_openid_connect_provider'))).toBe(
      true,
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
