import { describe, expect, test } from 'vitest';
import { IMG_001, imageTag } from './img-001-pinned-images';
import { hardenedPod, hardenedSparkApplication, k8s, ruleTests } from './testing';

const DIGEST = `sha256:${'a'.repeat(64)}`;

ruleTests(IMG_001, {
  compliant: [
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
