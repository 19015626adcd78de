import { ARGO_003 } from './argo-003-retry-backoff';
import type { Edits } from '../testing';
import { DIST_K8S, distObject, hardenedWorkflowTemplate, k8s, ruleTests } from '../testing';

const template = (edits: Edits) => () => ARGO_003.evaluate(distObject(DIST_K8S.customerScd2, edits));

ruleTests(ARGO_003, {
  compliant: [
    { name: 'the real customer-scd2 WorkflowTemplate', result: template({}) },
    {
      name: 'the real ad-hoc submit WorkflowTemplate',
      result: () => ARGO_003.evaluate(distObject(DIST_K8S.sparkSubmit)),
    },
    {
      name: 'a retry with exponential backoff',
      result: () => ARGO_003.evaluate(k8s(hardenedWorkflowTemplate())),
    },
  ],
  nonCompliant: [
    {
      name: 'the real WorkflowTemplate with a template retry without backoff',
      result: template({ 'spec.templates.1.retryStrategy.backoff': undefined }),
      message: /^spec\.templates\[1\] \(spark-initial-load\)\.retryStrategy has no backoff\.duration$/,
    },
    {
      name: 'the real WorkflowTemplate with a backoff without duration',
      result: template({ 'spec.templates.4.retryStrategy.backoff.duration': undefined }),
      message: /^spec\.templates\[4\] \(spark-register-table\)\.retryStrategy has no backoff\.duration$/,
    },
    {
      name: 'the real ad-hoc submit WorkflowTemplate with a retry without backoff',
      result: () =>
        ARGO_003.evaluate(
          distObject(DIST_K8S.sparkSubmit, { 'spec.templates.3.retryStrategy.backoff': undefined }),
        ),
      message: /^spec\.templates\[3\] \(submit-large\)\.retryStrategy has no backoff\.duration$/,
    },
    {
      name: 'a template retry without backoff',
      result: () =>
        ARGO_003.evaluate(
          k8s(hardenedWorkflowTemplate(), { 'spec.templates.1.retryStrategy.backoff': undefined }),
        ),
      message: /spec\.templates\[1\] \(check\)\.retryStrategy has no backoff\.duration/,
    },
    {
      name: 'a workflow-level retry without backoff',
      result: () =>
        ARGO_003.evaluate(k8s(hardenedWorkflowTemplate(), { 'spec.retryStrategy': { limit: 3 } })),
      message: /spec\.retryStrategy/,
    },
  ],
  notApplicable: [
    {
      name: 'the real CronWorkflow (no templates of its own)',
      result: () => ARGO_003.evaluate(distObject(DIST_K8S.customerScd2Cron)),
    },
    {
      name: 'no retryStrategy',
      result: () =>
        ARGO_003.evaluate(k8s(hardenedWorkflowTemplate(), { 'spec.templates.1.retryStrategy': undefined })),
    },
  ],
});
