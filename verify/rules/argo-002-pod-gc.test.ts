import { ARGO_002 } from './argo-002-pod-gc';
import { hardenedWorkflowTemplate, k8s, ruleTests } from './testing';

ruleTests(ARGO_002, {
  compliant: [
    {
      name: 'a WorkflowTemplate with podGC',
      result: () => ARGO_002.evaluate(k8s(hardenedWorkflowTemplate())),
    },
  ],
  nonCompliant: [
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
});
