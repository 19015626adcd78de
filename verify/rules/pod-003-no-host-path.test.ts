import { POD_003 } from './pod-003-no-host-path';
import { hardenedPod, hardenedSparkApplication, k8s, ruleTests } from './testing';

ruleTests(POD_003, {
  compliant: [
    {
      name: 'an emptyDir',
      result: () => POD_003.evaluate(k8s(hardenedPod(), { 'spec.volumes': [{ name: 'tmp', emptyDir: {} }] })),
    },
  ],
  nonCompliant: [
    {
      name: 'a hostPath on a Pod',
      result: () =>
        POD_003.evaluate(
          k8s(hardenedPod(), {
            'spec.volumes': [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }],
          }),
        ),
      message: /volume docker is a hostPath/,
    },
    {
      name: 'a hostPath on a SparkApplication',
      result: () =>
        POD_003.evaluate(
          k8s(hardenedSparkApplication(), {
            'spec.volumes': [{ name: 'spill', hostPath: { path: '/mnt' } }],
          }),
        ),
      message: /driver: volume spill/,
    },
  ],
});
