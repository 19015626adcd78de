import { POD_006 } from './pod-006-drop-capabilities';
import { hardenedPod, hardenedSparkApplication, k8s, ruleTests } from './testing';

ruleTests(POD_006, {
  compliant: [
    { name: 'a hardened SparkApplication', result: () => POD_006.evaluate(k8s(hardenedSparkApplication())) },
    {
      name: 'NET_BIND_SERVICE added back',
      result: () =>
        POD_006.evaluate(
          k8s(hardenedPod(), { 'spec.containers.0.securityContext.capabilities.add': ['NET_BIND_SERVICE'] }),
        ),
    },
  ],
  nonCompliant: [
    {
      name: 'capabilities kept',
      result: () =>
        POD_006.evaluate(k8s(hardenedPod(), { 'spec.containers.0.securityContext.capabilities': undefined })),
      message: /drop does not include ALL/,
    },
    {
      name: 'SYS_ADMIN added',
      result: () =>
        POD_006.evaluate(
          k8s(hardenedPod(), { 'spec.containers.0.securityContext.capabilities.add': ['SYS_ADMIN'] }),
        ),
      message: /add includes SYS_ADMIN/,
    },
  ],
});
