import { POD_002 } from './pod-002-no-privileged';
import type { Edits } from '../testing';
import {
  DIST_K8S,
  distObject,
  distSparkApplication,
  hardenedPod,
  hardenedWorkflowTemplate,
  k8s,
  ruleTests,
} from '../testing';

const deployment = (edits: Edits) => () => POD_002.evaluate(distObject(DIST_K8S.historyServer, edits));
const spark = (edits: Edits) => () =>
  POD_002.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-scd2-merge', edits));

ruleTests(POD_002, {
  compliant: [
    { name: 'the real Spark history server Deployment', result: deployment({}) },
    { name: 'a real SparkApplication embedded in a WorkflowTemplate', result: spark({}) },
    { name: 'a hardened Pod', result: () => POD_002.evaluate(k8s(hardenedPod())) },
  ],
  nonCompliant: [
    {
      name: 'the real Deployment with a privileged container',
      result: deployment({ 'spec.template.spec.containers.0.securityContext.privileged': true }),
      message: /containers\[0\] \(history-server\): securityContext\.privileged is true/,
    },
    {
      name: 'a real embedded SparkApplication with a privileged driver',
      result: spark({ 'spec.driver.securityContext.privileged': true }),
      message: /^driver container: securityContext\.privileged is true$/,
    },
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
