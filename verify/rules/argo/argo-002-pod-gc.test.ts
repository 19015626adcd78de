import { ARGO_002 } from './argo-002-pod-gc';
import type { Edits } from '../testing';
import { DIST_K8S, distObject, hardenedWorkflowTemplate, k8s, ruleTests } from '../testing';

const template = (edits: Edits) => () => ARGO_002.evaluate(distObject(DIST_K8S.customerScd2, edits));
/** The real CronWorkflow with the real WorkflowTemplate's spec inlined in place of its workflowTemplateRef. */
const inlinedCron = (templateEdits: Edits) => () =>
  ARGO_002.evaluate(
    distObject(DIST_K8S.customerScd2Cron, {
      'spec.workflowSpec': distObject(DIST_K8S.customerScd2, templateEdits).manifest.spec,
    }),
  );

ruleTests(ARGO_002, {
  compliant: [
    { name: 'the real customer-scd2 WorkflowTemplate', result: template({}) },
    {
      name: 'the real ad-hoc submit WorkflowTemplate',
      result: () => ARGO_002.evaluate(distObject(DIST_K8S.sparkSubmit)),
    },
    { name: 'the real CronWorkflow with the real template spec inlined', result: inlinedCron({}) },
    {
      name: 'a WorkflowTemplate with podGC',
      result: () => ARGO_002.evaluate(k8s(hardenedWorkflowTemplate())),
    },
  ],
  nonCompliant: [
    {
      name: 'the real WorkflowTemplate without podGC',
      result: template({ 'spec.podGC': undefined }),
      message: /^spec\.podGC\.strategy is not set$/,
    },
    {
      name: 'the real WorkflowTemplate with podGC but no strategy',
      result: template({ 'spec.podGC.strategy': undefined, 'spec.podGC.deleteDelayDuration': '1m' }),
      message: /^spec\.podGC\.strategy is not set$/,
    },
    {
      name: 'the real CronWorkflow inlining the real template spec without podGC',
      result: inlinedCron({ 'spec.podGC': undefined }),
      message: /^spec\.workflowSpec\.podGC\.strategy is not set$/,
    },
    {
      name: 'without podGC',
      result: () => ARGO_002.evaluate(k8s(hardenedWorkflowTemplate(), { 'spec.podGC': undefined })),
      message: /podGC\.strategy is not set/,
    },
    {
      name: 'podGC without strategy',
      result: () =>
        ARGO_002.evaluate(k8s(hardenedWorkflowTemplate(), { 'spec.podGC': { deleteDelayDuration: '1m' } })),
    },
  ],
  notApplicable: [
    {
      name: 'the real CronWorkflow (runs its WorkflowTemplate by reference)',
      result: () => ARGO_002.evaluate(distObject(DIST_K8S.customerScd2Cron)),
    },
  ],
});
