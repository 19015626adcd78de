import { POD_007 } from './pod-007-no-privilege-escalation';
import type { Edits } from '../testing';
import {
  DIST_K8S,
  distObject,
  distSparkApplication,
  hardenedContainer,
  hardenedPod,
  k8s,
  ruleTests,
} from '../testing';

const deployment = (edits: Edits) => () => POD_007.evaluate(distObject(DIST_K8S.historyServer, edits));
const spark = (edits: Edits) => () =>
  POD_007.evaluate(distSparkApplication(DIST_K8S.sparkSubmit, 'submit-small', edits));

const cronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'c', namespace: 'spark-jobs' },
  spec: {
    schedule: '0 * * * *',
    jobTemplate: {
      spec: { template: { spec: { restartPolicy: 'Never', containers: [hardenedContainer()] } } },
    },
  },
};

ruleTests(POD_007, {
  compliant: [
    { name: 'the real Spark history server Deployment', result: deployment({}) },
    { name: 'a real SparkApplication embedded in the ad-hoc submit WorkflowTemplate', result: spark({}) },
    { name: 'a hardened CronJob', result: () => POD_007.evaluate(k8s(cronJob)) },
  ],
  nonCompliant: [
    {
      name: 'the real Deployment allowing escalation',
      result: deployment({
        'spec.template.spec.containers.0.securityContext.allowPrivilegeEscalation': true,
      }),
      message: /containers\[0\] \(history-server\): allowPrivilegeEscalation is not false/,
    },
    {
      name: 'a real embedded SparkApplication with escalation left at the default on the driver',
      result: spark({ 'spec.driver.securityContext.allowPrivilegeEscalation': undefined }),
      message: /^driver container: allowPrivilegeEscalation is not false$/,
    },
    {
      name: 'escalation left at the default',
      result: () =>
        POD_007.evaluate(
          k8s(cronJob, {
            'spec.jobTemplate.spec.template.spec.containers.0.securityContext.allowPrivilegeEscalation':
              undefined,
          }),
        ),
      message: /allowPrivilegeEscalation is not false/,
    },
    {
      name: 'an init container without it',
      result: () =>
        POD_007.evaluate(
          k8s(hardenedPod(), { 'spec.initContainers': [{ name: 'init', image: 'busybox:1.36' }] }),
        ),
      message: /initContainers\[0\] \(init\)/,
    },
  ],
});
