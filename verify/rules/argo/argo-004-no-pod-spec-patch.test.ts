import { ARGO_004 } from './argo-004-no-pod-spec-patch';
import type { Edits } from '../testing';
import { DIST_K8S, distObject, hardenedWorkflowTemplate, k8s, ruleTests } from '../testing';

const template = (edits: Edits) => () => ARGO_004.evaluate(distObject(DIST_K8S.customerScd2, edits));

ruleTests(ARGO_004, {
  compliant: [
    { name: 'the real customer-scd2 WorkflowTemplate', result: template({}) },
    {
      name: 'the real ad-hoc submit WorkflowTemplate',
      result: () => ARGO_004.evaluate(distObject(DIST_K8S.sparkSubmit)),
    },
    { name: 'the real CronWorkflow', result: () => ARGO_004.evaluate(distObject(DIST_K8S.customerScd2Cron)) },
    {
      name: 'a WorkflowTemplate without patches',
      result: () => ARGO_004.evaluate(k8s(hardenedWorkflowTemplate())),
    },
  ],
  nonCompliant: [
    {
      name: 'the real WorkflowTemplate with a template podSpecPatch',
      result: template({ 'spec.templates.2.podSpecPatch': '{"hostNetwork": true}' }),
      message: /^spec\.templates\[2\] \(spark-delta-load\)\.podSpecPatch is set$/,
    },
    {
      name: 'the real WorkflowTemplate with a workflow podSpecPatch',
      result: template({ 'spec.podSpecPatch': '{"hostPID": true}' }),
      message: /^spec\.podSpecPatch is set$/,
    },
    {
      name: 'the real WorkflowTemplate with a templateDefaults podSpecPatch',
      result: template({ 'spec.templateDefaults': { podSpecPatch: '{}' } }),
      message: /^spec\.templateDefaults\.podSpecPatch is set$/,
    },
    {
      name: 'the real CronWorkflow with a podSpecPatch next to its workflowTemplateRef',
      result: () =>
        ARGO_004.evaluate(distObject(DIST_K8S.customerScd2Cron, { 'spec.workflowSpec.podSpecPatch': '{}' })),
      message: /^spec\.workflowSpec\.podSpecPatch is set$/,
    },
    {
      name: 'a template podSpecPatch',
      result: () =>
        ARGO_004.evaluate(
          k8s(hardenedWorkflowTemplate(), { 'spec.templates.1.podSpecPatch': '{"hostNetwork": true}' }),
        ),
      message: /templates\[1\] \(check\)\.podSpecPatch is set/,
    },
    {
      name: 'a workflow podSpecPatch',
      result: () => ARGO_004.evaluate(k8s(hardenedWorkflowTemplate(), { 'spec.podSpecPatch': '{}' })),
      message: /spec\.podSpecPatch is set/,
    },
  ],
});
