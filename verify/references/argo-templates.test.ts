import { describe, expect, test } from 'vitest';
import { argoTemplatesCheck } from './argo-templates';
import { at } from './model';
import { copyDist, editYaml, lines, runOn, setIn } from './testing';

describe('argo-templates', () => {
  test('every Argo reference of the committed dist/ resolves', () => {
    const result = runOn(argoTemplatesCheck);
    expect(lines(result)).toEqual([]);
    expect(result.checked).toBeGreaterThan(20);
  });

  test('fails on a CronWorkflow whose workflowTemplateRef names no WorkflowTemplate', () => {
    const dist = copyDist();
    editYaml(dist, 'k8s/dev/dev-pipelines/CronWorkflow.nyc-taxi.yaml', (cron) =>
      setIn(cron, ['spec', 'workflowSpec', 'workflowTemplateRef', 'name'], 'nyc-taxy'),
    );
    expect(lines(runOn(argoTemplatesCheck, dist))).toEqual([
      expect.stringMatching(
        /^dist\/k8s\/dev\/dev-pipelines\/CronWorkflow\.nyc-taxi\.yaml {2}CronWorkflow\/nyc-taxi {2}spec\.workflowSpec\.workflowTemplateRef\.name: WorkflowTemplate "nyc-taxy" is not defined in this environment/,
      ),
    ]);
  });

  test('fails on a templateRef naming a template the WorkflowTemplate does not have', () => {
    const dist = copyDist();
    const task = ['spec', 'templates', 0, 'dag', 'tasks', 0];
    editYaml(dist, 'k8s/prod/prod-pipelines/WorkflowTemplate.customer-scd2.yaml', (template) =>
      setIn(template, task, {
        name: at(template, [...task, 'name']),
        templateRef: { name: 'nyc-taxi', template: 'spark-count' },
      }),
    );
    expect(lines(runOn(argoTemplatesCheck, dist))).toEqual([
      expect.stringMatching(
        /^dist\/k8s\/prod\/prod-pipelines\/WorkflowTemplate\.customer-scd2\.yaml {2}WorkflowTemplate\/customer-scd2 {2}spec\.templates\[0\]\.dag\.tasks\[0\]\.templateRef\.template: WorkflowTemplate "nyc-taxi" has no template "spark-count"/,
      ),
    ]);
  });
});
