import { POD_001 } from './pod-001-run-as-non-root';
import type { Edits } from '../testing';
import {
  DIST_K8S,
  distObject,
  distSparkApplication,
  hardenedDeployment,
  hardenedPod,
  hardenedSparkApplication,
  hardenedWorkflowTemplate,
  k8s,
  ruleTests,
} from '../testing';

const deployment = (edits: Edits) => () => POD_001.evaluate(distObject(DIST_K8S.historyServer, edits));
const spark = (edits: Edits) => () =>
  POD_001.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-initial-load', edits));

ruleTests(POD_001, {
  compliant: [
    { name: 'the real Spark history server Deployment', result: deployment({}) },
    { name: 'a real SparkApplication embedded in a WorkflowTemplate', result: spark({}) },
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
      name: 'the real Deployment with runAsNonRoot false on its container',
      result: deployment({ 'spec.template.spec.containers.0.securityContext.runAsNonRoot': false }),
      message: /spec\.template\.spec\.containers\[0\] \(history-server\): runAsNonRoot is not true/,
    },
    {
      name: 'the real Deployment running as UID 0',
      result: deployment({ 'spec.template.spec.securityContext.runAsUser': 0 }),
      message: /containers\[0\] \(history-server\): runAsUser is 0/,
    },
    {
      name: 'a real embedded SparkApplication with runAsNonRoot false on the executor',
      result: spark({ 'spec.executor.securityContext.runAsNonRoot': false }),
      message: /^executor container: runAsNonRoot is not true$/,
    },
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
