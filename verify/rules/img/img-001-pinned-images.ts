import { evaluateContainers } from '../lib/pods';
import type { KubernetesRule } from '../lib/rule';

/** The tag of an image reference, if any (`registry:5000/repo:tag@sha256:…` → `tag`). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon < 0 ? undefined : lastSegment.slice(colon + 1);
}

/** IMG-001: every image names one build. */
export const IMG_001: KubernetesRule = {
  id: 'IMG-001',
  info: 'Every container image has a tag other than latest, or a digest',
  rationale:
    'An untagged or :latest image runs whatever was pushed last, so the same dist/ deploys different code on each ' +
    'node pull; pinned tags (immutable in ECR) or digests make dist/ say exactly what runs.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    return evaluateContainers(object, (_pod, c) => {
      if (c.image === undefined) return 'no image';
      if (c.image.includes('{{'))
        return `image ${c.image} is an Argo expression; pin the image in the template`;
      if (/@sha256:[0-9a-f]{64}$/.test(c.image)) return undefined;
      const tag = imageTag(c.image);
      if (tag === undefined || tag === '') return `image ${c.image} has no tag`;
      return tag === 'latest' ? `image ${c.image} uses latest` : undefined;
    });
  },
};
