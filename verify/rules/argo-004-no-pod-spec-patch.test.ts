import { ARGO_004 } from './argo-004-no-pod-spec-patch';
import { hardenedWorkflowTemplate, k8s, ruleTests } from './testing';

ruleTests(ARGO_004, {
  compliant: [
    {
      name: 'a WorkflowTemplate without patches',
      result: () => ARGO_004.evaluate(k8s(hardenedWorkflowTemplate())),
    },
  ],
  nonCompliant: [
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
