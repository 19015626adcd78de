import { describe, expect, test } from 'vitest';
import type { Json } from './model';
import { stackOrderCheck } from './stack-order';
import { copyDist, editJson, lines, runOn } from './testing';

const EDGE = 'terraform/stacks/dev-edge/cdk.tf.json';
const CLUSTER = 'terraform/stacks/dev-cluster/cdk.tf.json';
const IDENTITY = 'terraform/stacks/dev-identity/cdk.tf.json';

function addData(json: Json, type: string, name: string, args: Json): void {
  const data = (json.data ??= {}) as Record<string, Record<string, Json>>;
  (data[type] ??= {})[name] = args;
}

const remoteState = (stack: string): Json => ({
  backend: 's3',
  config: { bucket: 'b', key: `sql-etl-on-eks/dev/${stack}.tfstate`, region: 'us-east-1' },
});

describe('stack-order', () => {
  test('the committed dist/ reads only earlier stacks and looks up nothing a later step creates', () => {
    const result = runOn(stackOrderCheck);
    expect(lines(result)).toEqual([]);
    expect(result.checked).toBeGreaterThan(20);
  });

  test('fails on the ALB lookup by the load balancer controller tags (what nothing in Terraform creates)', () => {
    const dist = copyDist();
    editJson(dist, EDGE, (json) =>
      addData(json, 'aws_lb', 'ingress_alb', {
        tags: { 'elbv2.k8s.aws/cluster': 'sqletl-dev', 'ingress.k8s.aws/stack': 'sqletl-dev-web' },
      }),
    );
    expect(lines(runOn(stackOrderCheck, dist))).toEqual([
      'dist/terraform/stacks/dev-edge/cdk.tf.json  data.aws_lb.ingress_alb  dev-edge looks up a aws_lb that no ' +
        'stack of dev creates; create it in Terraform in a stack applied earlier and pass it by a cross-stack ' +
        'reference, so no apply waits on a later step',
    ]);
  });

  test('accepts a lookup of what a stack it reads creates, and fails on the same lookup from a stack before it', () => {
    const lookup = { name: 'sqletl-dev-web' };
    const after = copyDist();
    editJson(after, IDENTITY, (json) => addData(json, 'aws_lb', 'web', lookup));
    expect(lines(runOn(stackOrderCheck, after))).toEqual([]);

    const before = copyDist();
    editJson(before, CLUSTER, (json) => addData(json, 'aws_lb', 'web', lookup));
    expect(lines(runOn(stackOrderCheck, before))).toEqual([
      expect.stringContaining(
        'data.aws_lb.web  dev-cluster looks up a aws_lb that only dev-edge creates, which dev-cluster does not read',
      ),
    ]);
  });

  test('fails on a cycle of remote states and on the state of a stack that does not exist', () => {
    const dist = copyDist();
    editJson(dist, CLUSTER, (json) => {
      addData(json, 'terraform_remote_state', 'platform', remoteState('dev-platform'));
      addData(json, 'terraform_remote_state', 'gone', remoteState('dev-ingress'));
    });
    const found = lines(runOn(stackOrderCheck, dist));
    expect(found).toContainEqual(
      expect.stringContaining("dev-cluster reads the state of 'dev-ingress', which no stack of dev writes"),
    );
    // Every stack on the cycle (cluster → platform → cluster, and those reading both) is named.
    expect(found).toContainEqual(
      expect.stringContaining('dev-cluster reads, through remote state, a stack that reads dev-cluster back'),
    );
    expect(found).toContainEqual(
      expect.stringContaining(
        'dev-platform reads, through remote state, a stack that reads dev-platform back',
      ),
    );
  });

  test('a customer-managed prefix list is not an AWS-owned object', () => {
    const dist = copyDist();
    editJson(dist, EDGE, (json) =>
      addData(json, 'aws_ec2_managed_prefix_list', 'mine', { name: 'office-ips' }),
    );
    expect(lines(runOn(stackOrderCheck, dist))).toEqual([
      expect.stringContaining('data.aws_ec2_managed_prefix_list.mine  dev-edge looks up'),
    ]);
  });
});
