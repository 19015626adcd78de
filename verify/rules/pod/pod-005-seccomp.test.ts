import { POD_005 } from './pod-005-seccomp';
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

const deployment = (edits: Edits) => () => POD_005.evaluate(distObject(DIST_K8S.historyServer, edits));
const spark = (edits: Edits) => () =>
  POD_005.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-initial-load', edits));

ruleTests(POD_005, {
  compliant: [
    { name: 'the real Spark history server Deployment', result: deployment({}) },
    {
      name: 'a real embedded SparkApplication (from the driver and executor podSecurityContext)',
      result: spark({}),
    },
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
      name: 'the real Deployment with an Unconfined container',
      result: deployment({
        'spec.template.spec.containers.0.securityContext.seccompProfile.type': 'Unconfined',
      }),
      message: /containers\[0\] \(history-server\): seccompProfile\.type is Unconfined/,
    },
    {
      name: 'the real Deployment with seccompProfile removed everywhere',
      result: deployment({
        'spec.template.spec.containers.0.securityContext.seccompProfile': undefined,
        'spec.template.spec.securityContext.seccompProfile': undefined,
      }),
      message: /containers\[0\] \(history-server\): seccompProfile\.type is unset/,
    },
    {
      name: 'a real embedded SparkApplication without the driver podSecurityContext seccompProfile',
      result: spark({ 'spec.driver.podSecurityContext.seccompProfile': undefined }),
      message: /^driver container: seccompProfile\.type is unset/,
    },
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
