import { POD_007 } from './pod-007-no-privilege-escalation';
import { hardenedContainer, hardenedPod, k8s, ruleTests } from './testing';

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
  compliant: [{ name: 'a hardened CronJob', result: () => POD_007.evaluate(k8s(cronJob)) }],
  nonCompliant: [
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
