/**
 * App versions run through a pinned chart's image tag values because they are newer than the chart's appVersion
 * (../shared/upstream/versions.json `apps`; a test compares them). Both are patch releases whose CRDs are identical
 * to the pinned ones, so the pinned charts and CRDs stay.
 */
export const APP_VERSIONS = {
  /** Argo CD v3.4.5–v3.4.7 fix secret exposures (masking, last-applied annotation, registry password on argv). */
  'argo-cd': 'v3.4.7',
  /** Argo Workflows v4.0.10: security dependency bumps over the chart's v4.0.6. */
  'argo-workflows': 'v4.0.10',
} as const;
