import { ARGO_001 } from './argo-001-ttl-strategy';
import { hardenedWorkflowTemplate, k8s, ruleTests } from './testing';

const cron = (workflowSpec: Record<string, unknown>) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'CronWorkflow',
  metadata: { name: 'nightly', namespace: 'spark-jobs' },
  spec: { schedules: ['0 2 * * *'], workflowSpec },
});

ruleTests(ARGO_001, {
  compliant: [
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
      name: 'a CronWorkflow running a WorkflowTemplate',
      result: () => ARGO_001.evaluate(k8s(cron({ workflowTemplateRef: { name: 'pipeline' } }))),
    },
  ],
});
