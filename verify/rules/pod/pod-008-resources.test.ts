import { POD_008 } from './pod-008-resources';
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

const deployment = (edits: Edits) => () => POD_008.evaluate(distObject(DIST_K8S.historyServer, edits));
const spark = (edits: Edits) => () =>
  POD_008.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-initial-load', edits));

ruleTests(POD_008, {
  compliant: [
    { name: 'the real Spark history server Deployment', result: deployment({}) },
    { name: 'a real SparkApplication embedded in a WorkflowTemplate', result: spark({}) },
    { name: 'a hardened Pod', result: () => POD_008.evaluate(k8s(hardenedPod())) },
    {
      name: 'a SparkApplication with cores and memory',
      result: () => POD_008.evaluate(k8s(hardenedSparkApplication())),
    },
  ],
  nonCompliant: [
    {
      name: 'the real Deployment without a memory limit',
      result: deployment({ 'spec.template.spec.containers.0.resources.limits.memory': undefined }),
      message: /^spec\.template\.spec\.containers\[0\] \(history-server\): resources lack limits\.memory$/,
    },
    {
      name: 'the real Deployment without requests',
      result: deployment({ 'spec.template.spec.containers.0.resources.requests': undefined }),
      message: /\(history-server\): resources lack requests\.cpu, requests\.memory$/,
    },
    {
      name: 'a real embedded SparkApplication whose executor sets no memory',
      result: spark({ 'spec.executor.memory': undefined }),
      message: /^executor container: resources lack requests\.memory, limits\.memory$/,
    },
    {
      name: 'no memory limit',
      result: () => POD_008.evaluate(k8s(hardenedPod(), { 'spec.containers.0.resources.limits': undefined })),
      message: /resources lack limits\.memory/,
    },
    {
      name: 'a Spark executor without cores or memory',
      result: () =>
        POD_008.evaluate(
          k8s(hardenedSparkApplication(), {
            'spec.executor.cores': undefined,
            'spec.executor.memory': undefined,
          }),
        ),
      message: /executor container: resources lack requests\.cpu, requests\.memory, limits\.memory/,
    },
  ],
});
