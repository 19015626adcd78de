import { POD_004 } from './pod-004-no-host-namespaces';
import { hardenedDeployment, hardenedSparkApplication, k8s, ruleTests } from './testing';

ruleTests(POD_004, {
  compliant: [{ name: 'a hardened Deployment', result: () => POD_004.evaluate(k8s(hardenedDeployment())) }],
  nonCompliant: [
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
