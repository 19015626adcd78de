import { POD_004 } from './pod-004-no-host-namespaces';
import type { Edits } from '../testing';
import {
  DIST_K8S,
  distObject,
  distSparkApplication,
  hardenedDeployment,
  hardenedSparkApplication,
  k8s,
  ruleTests,
} from '../testing';

const deployment = (edits: Edits) => () => POD_004.evaluate(distObject(DIST_K8S.historyServer, edits));
const spark = (edits: Edits) => () =>
  POD_004.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-initial-load', edits));

ruleTests(POD_004, {
  compliant: [
    { name: 'the real Spark history server Deployment', result: deployment({}) },
    { name: 'a real SparkApplication embedded in a WorkflowTemplate', result: spark({}) },
    { name: 'a hardened Deployment', result: () => POD_004.evaluate(k8s(hardenedDeployment())) },
  ],
  nonCompliant: [
    {
      name: 'the real Deployment on the host network',
      result: deployment({ 'spec.template.spec.hostNetwork': true }),
      message: /^spec\.template\.spec: hostNetwork is true$/,
    },
    {
      name: 'the real Deployment in the host PID namespace',
      result: deployment({ 'spec.template.spec.hostPID': true }),
      message: /^spec\.template\.spec: hostPID is true$/,
    },
    {
      name: 'a real embedded SparkApplication with the driver on the host network',
      result: spark({ 'spec.driver.hostNetwork': true }),
      message: /^driver: hostNetwork is true$/,
    },
    {
      name: 'hostNetwork on a Deployment',
      result: () => POD_004.evaluate(k8s(hardenedDeployment(), { 'spec.template.spec.hostNetwork': true })),
      message: /hostNetwork is true/,
    },
    {
      name: 'hostPID on a Deployment',
      result: () => POD_004.evaluate(k8s(hardenedDeployment(), { 'spec.template.spec.hostPID': true })),
      message: /hostPID/,
    },
    {
      name: 'hostNetwork on a Spark driver',
      result: () => POD_004.evaluate(k8s(hardenedSparkApplication(), { 'spec.driver.hostNetwork': true })),
      message: /driver: hostNetwork/,
    },
  ],
});
