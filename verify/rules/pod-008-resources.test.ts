import { POD_008 } from './pod-008-resources';
import { hardenedPod, hardenedSparkApplication, k8s, ruleTests } from './testing';

ruleTests(POD_008, {
  compliant: [
    { name: 'a hardened Pod', result: () => POD_008.evaluate(k8s(hardenedPod())) },
    {
      name: 'a SparkApplication with cores and memory',
      result: () => POD_008.evaluate(k8s(hardenedSparkApplication())),
    },
  ],
  nonCompliant: [
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
