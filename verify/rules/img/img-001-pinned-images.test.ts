import { describe, expect, test } from 'vitest';
import { IMG_001, imageTag } from './img-001-pinned-images';
import type { Edits } from '../testing';
import {
  DIST_K8S,
  distManifest,
  distObject,
  distSparkApplication,
  hardenedPod,
  hardenedSparkApplication,
  k8s,
  ruleTests,
} from '../testing';

const DIGEST = `sha256:${'a'.repeat(64)}`;

const deployment = (edits: Edits) => () => IMG_001.evaluate(distObject(DIST_K8S.historyServer, edits));
const spark = (edits: Edits) => () =>
  IMG_001.evaluate(distSparkApplication(DIST_K8S.customerScd2, 'spark-initial-load', edits));
/** The real image of the history server, its tag removed. */
const historyRepository = (): string =>
  (
    distManifest(DIST_K8S.historyServer) as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    }
  ).spec.template.spec.containers[0].image.replace(/:[^:/]+$/, '');
/** The real image of the embedded SparkApplication, its tag removed. */
const sparkRepository = (): string =>
  (
    distSparkApplication(DIST_K8S.customerScd2, 'spark-initial-load').manifest.spec as { image: string }
  ).image.replace(/:[^:/]+$/, '');

ruleTests(IMG_001, {
  compliant: [
    { name: 'the real Spark history server Deployment (content-version tag)', result: deployment({}) },
    { name: 'a real SparkApplication embedded in a WorkflowTemplate', result: spark({}) },
    {
      name: 'the real Deployment pinned by digest',
      result: () =>
        IMG_001.evaluate(
          distObject(DIST_K8S.historyServer, {
            'spec.template.spec.containers.0.image': `${historyRepository()}@${DIGEST}`,
          }),
        ),
    },
    { name: 'a content-version tag', result: () => IMG_001.evaluate(k8s(hardenedPod())) },
    {
      name: 'a digest',
      result: () =>
        IMG_001.evaluate(k8s(hardenedPod(), { 'spec.containers.0.image': `public.ecr.aws/x/y@${DIGEST}` })),
    },
    {
      name: 'a registry with a port and a tag',
      result: () =>
        IMG_001.evaluate(k8s(hardenedPod(), { 'spec.containers.0.image': 'registry:5000/y:1.2.3' })),
    },
  ],
  nonCompliant: [
    {
      name: 'the real Deployment on latest',
      result: () =>
        IMG_001.evaluate(
          distObject(DIST_K8S.historyServer, {
            'spec.template.spec.containers.0.image': `${historyRepository()}:latest`,
          }),
        ),
      message: /containers\[0\] \(history-server\): image \S+\/sqletl-dev\/spark-runtime:latest uses latest/,
    },
    {
      name: 'the real Deployment without a tag',
      result: () =>
        IMG_001.evaluate(
          distObject(DIST_K8S.historyServer, {
            'spec.template.spec.containers.0.image': historyRepository(),
          }),
        ),
      message: /\(history-server\): image \S+\/sqletl-dev\/spark-runtime has no tag/,
    },
    {
      name: 'a real embedded SparkApplication on latest',
      result: () => spark({ 'spec.image': `${sparkRepository()}:latest` })(),
      message: /^driver container: image \S+\/sqletl-dev\/arc-runtime:latest uses latest; executor container/,
    },
    {
      name: 'latest',
      result: () =>
        IMG_001.evaluate(k8s(hardenedPod(), { 'spec.containers.0.image': 'apache/spark:latest' })),
      message: /uses latest/,
    },
    {
      name: 'no tag',
      result: () => IMG_001.evaluate(k8s(hardenedPod(), { 'spec.containers.0.image': 'registry:5000/y' })),
      message: /has no tag/,
    },
    {
      name: 'a Spark image without tag',
      result: () => IMG_001.evaluate(k8s(hardenedSparkApplication(), { 'spec.image': 'apache/spark' })),
      message: /driver container: image apache\/spark has no tag/,
    },
    {
      name: 'an Argo expression',
      result: () =>
        IMG_001.evaluate(k8s(hardenedPod(), { 'spec.containers.0.image': '{{inputs.parameters.image}}' })),
      message: /Argo expression/,
    },
  ],
});

describe('imageTag', () => {
  test('reads the tag after the last path segment, before the digest', () => {
    expect(imageTag('registry:5000/a/b:1.0@sha256:abc')).toBe('1.0');
    expect(imageTag('registry:5000/a/b')).toBeUndefined();
  });
});
