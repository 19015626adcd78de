import { POD_002 } from './pod-002-no-privileged';
import { hardenedPod, hardenedWorkflowTemplate, k8s, ruleTests } from './testing';

ruleTests(POD_002, {
  compliant: [{ name: 'a hardened Pod', result: () => POD_002.evaluate(k8s(hardenedPod())) }],
  nonCompliant: [
    {
      name: 'a privileged Argo container template',
      result: () =>
        POD_002.evaluate(
          k8s(hardenedWorkflowTemplate(), { 'spec.templates.1.container.securityContext.privileged': true }),
        ),
      message: /templates\[1\] \(check\) container: securityContext\.privileged is true/,
    },
  ],
});
