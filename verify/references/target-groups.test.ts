import { describe, expect, test } from 'vitest';
import { targetGroupsCheck } from './target-groups';
import { copyDist, editJson, editYaml, lines, runOn, setIn } from './testing';

const ARGO = 'k8s/dev/dev-web-targets/TargetGroupBinding.argo.yaml';
const HUB = 'k8s/dev/dev-web-targets/TargetGroupBinding.jupyterhub.yaml';

describe('target-groups', () => {
  test('every TargetGroupBinding of the committed dist/ names a target group and a Service port', () => {
    const result = runOn(targetGroupsCheck);
    expect(lines(result)).toEqual([]);
    // Two UIs, two environments, target group and Service each.
    expect(result.checked).toBe(8);
  });

  test('fails on a target group name no stack creates', () => {
    const dist = copyDist();
    editYaml(dist, ARGO, (b) => setIn(b, ['spec', 'targetGroupName'], 'sqletl-dev-argo-workflows'));
    expect(lines(runOn(targetGroupsCheck, dist))).toEqual([
      expect.stringMatching(
        /^dist\/k8s\/dev\/dev-web-targets\/TargetGroupBinding\.argo\.yaml {2}TargetGroupBinding\/argo\/argo {2}spec\.targetGroupName 'sqletl-dev-argo-workflows' is no aws_lb_target_group of the dev stacks/,
      ),
    ]);
  });

  test('fails on a Service that neither dist/k8s nor a Helm release creates, and on a port it lacks', () => {
    const dist = copyDist();
    editYaml(dist, ARGO, (b) => setIn(b, ['spec', 'serviceRef', 'name'], 'argo-server'));
    editYaml(dist, HUB, (b) => setIn(b, ['spec', 'serviceRef', 'port'], 8000));
    expect(lines(runOn(targetGroupsCheck, dist))).toEqual([
      expect.stringContaining("spec.serviceRef.name 'argo-server' is no Service in namespace argo"),
      expect.stringContaining('spec.serviceRef.port 8000 is not a port of Service jupyter/proxy-public'),
    ]);
  });

  test('follows the Helm release: a renamed release renames the Argo server Service', () => {
    const dist = copyDist();
    editJson(dist, 'terraform/stacks/dev-platform/cdk.tf.json', (json) =>
      setIn(json, ['resource', 'helm_release', 'argo_workflows', 'name'], 'workflows'),
    );
    expect(lines(runOn(targetGroupsCheck, dist))).toEqual([
      expect.stringContaining("spec.serviceRef.name 'argo-workflows-server' is no Service in namespace argo"),
    ]);
  });

  test('fails on a synthesized target group ARN and on a target type the group does not have', () => {
    const dist = copyDist();
    editYaml(dist, ARGO, (b) => {
      setIn(
        b,
        ['spec', 'targetGroupARN'],
        'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/x/1',
      );
    });
    editYaml(dist, HUB, (b) => setIn(b, ['spec', 'targetType'], 'instance'));
    expect(lines(runOn(targetGroupsCheck, dist))).toEqual([
      expect.stringContaining('spec.targetGroupARN carries an id only AWS assigns'),
      expect.stringContaining(
        "spec.targetType 'instance' differs from aws_lb_target_group.ui_alb_jupyterhub_targets",
      ),
    ]);
  });
});
