import { ARGO_001 } from './argo-001-ttl-strategy';
import type { Edits } from '../testing';
import { DIST_K8S, distObject, hardenedWorkflowTemplate, k8s, ruleTests } from '../testing';

const cron = (workflowSpec: Record<string, unknown>) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'CronWorkflow',
  metadata: { name: 'nightly', namespace: 'spark-jobs' },
  spec: { schedules: ['0 2 * * *'], workflowSpec },
});

const template = (edits: Edits) => () => ARGO_001.evaluate(distObject(DIST_K8S.customerScd2, edits));
/** The real CronWorkflow with the real WorkflowTemplate's spec inlined in place of its workflowTemplateRef. */
const inlinedCron = (templateEdits: Edits) => () =>
  ARGO_001.evaluate(
    distObject(DIST_K8S.customerScd2Cron, {
      'spec.workflowSpec': distObject(DIST_K8S.customerScd2, templateEdits).manifest.spec,
    }),
  );

ruleTests(ARGO_001, {
  compliant: [
    { name: 'the real customer-scd2 WorkflowTemplate', result: template({}) },
    {
      name: 'the real ad-hoc submit WorkflowTemplate',
      result: () => ARGO_001.evaluate(distObject(DIST_K8S.sparkSubmit)),
    },
    { name: 'the real CronWorkflow with the real template spec inlined', result: inlinedCron({}) },
    {
      name: 'a WorkflowTemplate with a TTL',
      result: () => ARGO_001.evaluate(k8s(hardenedWorkflowTemplate())),
    },
    {
      name: 'a CronWorkflow with a TTL',
      result: () =>
        ARGO_001.evaluate(
          k8s(cron({ ttlStrategy: { secondsAfterSuccess: 3600 }, podGC: { strategy: 'OnPodSuccess' } })),
        ),
    },
  ],
  nonCompliant: [
    {
      name: 'the real WorkflowTemplate without its ttlStrategy',
      result: template({ 'spec.ttlStrategy': undefined }),
      message: /^spec\.ttlStrategy is not set$/,
    },
    {
      name: 'the real WorkflowTemplate with an empty ttlStrategy',
      result: template({ 'spec.ttlStrategy': {} }),
      message: /^spec\.ttlStrategy is not set$/,
    },
    {
      name: 'the real ad-hoc submit WorkflowTemplate without its ttlStrategy',
      result: () => ARGO_001.evaluate(distObject(DIST_K8S.sparkSubmit, { 'spec.ttlStrategy': undefined })),
      message: /^spec\.ttlStrategy is not set$/,
    },
    {
      name: 'the real CronWorkflow inlining the real template spec without its ttlStrategy',
      result: inlinedCron({ 'spec.ttlStrategy': undefined }),
      message: /^spec\.workflowSpec\.ttlStrategy is not set$/,
    },
    {
      name: 'a WorkflowTemplate without',
      result: () => ARGO_001.evaluate(k8s(hardenedWorkflowTemplate(), { 'spec.ttlStrategy': undefined })),
      message: /spec\.ttlStrategy is not set/,
    },
    {
      name: 'a CronWorkflow without',
      result: () => ARGO_001.evaluate(k8s(cron({ entrypoint: 'main' }))),
      message: /spec\.workflowSpec\.ttlStrategy/,
    },
    {
      name: 'an empty ttlStrategy',
      result: () => ARGO_001.evaluate(k8s(hardenedWorkflowTemplate(), { 'spec.ttlStrategy': {} })),
    },
  ],
  notApplicable: [
    {
      name: 'the real CronWorkflow (runs its WorkflowTemplate by reference)',
      result: () => ARGO_001.evaluate(distObject(DIST_K8S.customerScd2Cron)),
    },
    {
      name: 'a CronWorkflow running a WorkflowTemplate',
      result: () => ARGO_001.evaluate(k8s(cron({ workflowTemplateRef: { name: 'pipeline' } }))),
    },
  ],
});
