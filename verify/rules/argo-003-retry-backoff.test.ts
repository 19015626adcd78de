import { ARGO_003 } from './argo-003-retry-backoff';
import { hardenedWorkflowTemplate, k8s, ruleTests } from './testing';

ruleTests(ARGO_003, {
  compliant: [
    {
      name: 'a retry with exponential backoff',
      result: () => ARGO_003.evaluate(k8s(hardenedWorkflowTemplate())),
    },
  ],
  nonCompliant: [
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
      name: 'no retryStrategy',
      result: () =>
        ARGO_003.evaluate(k8s(hardenedWorkflowTemplate(), { 'spec.templates.1.retryStrategy': undefined })),
    },
  ],
});
