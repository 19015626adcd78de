import { POD_005 } from './pod-005-seccomp';
import { hardenedPod, hardenedWorkflowTemplate, k8s, ruleTests } from './testing';

ruleTests(POD_005, {
  compliant: [
    { name: 'a hardened Pod', result: () => POD_005.evaluate(k8s(hardenedPod())) },
    {
      name: 'from the Argo workflow securityContext',
      result: () =>
        POD_005.evaluate(
          k8s(hardenedWorkflowTemplate(), {
            'spec.templates.1.container.securityContext.seccompProfile': undefined,
          }),
        ),
    },
  ],
  nonCompliant: [
    {
      name: 'Unconfined',
      result: () =>
        POD_005.evaluate(
          k8s(hardenedPod(), { 'spec.containers.0.securityContext.seccompProfile.type': 'Unconfined' }),
        ),
      message: /seccompProfile\.type is Unconfined/,
    },
    {
      name: 'unset everywhere',
      result: () =>
        POD_005.evaluate(
          k8s(hardenedPod(), {
            'spec.containers.0.securityContext.seccompProfile': undefined,
            'spec.securityContext': undefined,
          }),
        ),
      message: /unset/,
    },
  ],
});
