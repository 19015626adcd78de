import { POD_003 } from './pod-003-no-host-path';
import type { Edits } from '../testing';
import {
  DIST_K8S,
  distObject,
  distSparkApplication,
  hardenedPod,
  hardenedSparkApplication,
  k8s,
  ruleTests,
} from '../testing';

const deployment = (edits: Edits) => () => POD_003.evaluate(distObject(DIST_K8S.historyServer, edits));
const spark = (edits: Edits) => () =>
  POD_003.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-delta-load', edits));

ruleTests(POD_003, {
  compliant: [
    { name: 'the real Deployment (configMap and emptyDir volumes)', result: deployment({}) },
    { name: 'a real embedded SparkApplication (emptyDir volumes)', result: spark({}) },
    {
      name: 'an emptyDir',
      result: () => POD_003.evaluate(k8s(hardenedPod(), { 'spec.volumes': [{ name: 'tmp', emptyDir: {} }] })),
    },
  ],
  nonCompliant: [
    {
      name: 'the real Deployment with its tmp volume on a hostPath',
      result: deployment({ 'spec.template.spec.volumes.1': { name: 'tmp', hostPath: { path: '/tmp' } } }),
      message: /^spec\.template\.spec: volume tmp is a hostPath$/,
    },
    {
      name: 'a real embedded SparkApplication with its local dir on a hostPath',
      result: spark({ 'spec.volumes.0': { name: 'spark-local-dir-1', hostPath: { path: '/mnt/spark' } } }),
      message: /driver: volume spark-local-dir-1 is a hostPath/,
    },
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
