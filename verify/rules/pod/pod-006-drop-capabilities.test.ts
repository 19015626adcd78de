import { POD_006 } from './pod-006-drop-capabilities';
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

const deployment = (edits: Edits) => () => POD_006.evaluate(distObject(DIST_K8S.historyServer, edits));
const spark = (edits: Edits) => () =>
  POD_006.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-register-table', edits));

ruleTests(POD_006, {
  compliant: [
    { name: 'the real Spark history server Deployment', result: deployment({}) },
    { name: 'a real SparkApplication embedded in a WorkflowTemplate', result: spark({}) },
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
      name: 'the real Deployment keeping its capabilities',
      result: deployment({ 'spec.template.spec.containers.0.securityContext.capabilities.drop': undefined }),
      message: /containers\[0\] \(history-server\): capabilities\.drop does not include ALL/,
    },
    {
      name: 'the real Deployment adding SYS_ADMIN',
      result: deployment({
        'spec.template.spec.containers.0.securityContext.capabilities.add': ['SYS_ADMIN'],
      }),
      message: /containers\[0\] \(history-server\): capabilities\.add includes SYS_ADMIN/,
    },
    {
      name: 'a real embedded SparkApplication whose executor keeps its capabilities',
      result: spark({ 'spec.executor.securityContext.capabilities': undefined }),
      message: /^executor container: capabilities\.drop does not include ALL$/,
    },
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
