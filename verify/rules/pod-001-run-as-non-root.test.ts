import { POD_001 } from './pod-001-run-as-non-root';
import {
  hardenedDeployment,
  hardenedPod,
  hardenedSparkApplication,
  hardenedWorkflowTemplate,
  k8s,
  ruleTests,
} from './testing';

ruleTests(POD_001, {
  compliant: [
    { name: 'a hardened Pod', result: () => POD_001.evaluate(k8s(hardenedPod())) },
    { name: 'a hardened SparkApplication', result: () => POD_001.evaluate(k8s(hardenedSparkApplication())) },
    {
      name: 'set at pod level only (Workflow securityContext)',
      result: () =>
        POD_001.evaluate(
          k8s(hardenedWorkflowTemplate(), {
            'spec.templates.1.container.securityContext.runAsNonRoot': undefined,
          }),
        ),
    },
  ],
  nonCompliant: [
    {
      name: 'a Deployment without runAsNonRoot',
      result: () =>
        POD_001.evaluate(
          k8s(hardenedDeployment(), {
            'spec.template.spec.securityContext.runAsNonRoot': undefined,
            'spec.template.spec.containers.0.securityContext.runAsNonRoot': undefined,
          }),
        ),
      message: /spec\.template\.spec\.containers\[0\] \(main\): runAsNonRoot is not true/,
    },
    {
      name: 'a Pod container running as UID 0',
      result: () =>
        POD_001.evaluate(k8s(hardenedPod(), { 'spec.containers.0.securityContext.runAsUser': 0 })),
      message: /runAsUser is 0/,
    },
    {
      name: 'a Spark executor without it',
      result: () =>
        POD_001.evaluate(k8s(hardenedSparkApplication(), { 'spec.executor.securityContext': {} })),
      message: /executor container: runAsNonRoot/,
    },
  ],
  notApplicable: [
    {
      name: 'a ServiceAccount',
      result: () =>
        POD_001.evaluate(k8s({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 's' } })),
    },
  ],
});
