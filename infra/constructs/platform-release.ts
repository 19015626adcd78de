import type { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { PinnedChart } from '../../config';
import { toValuesYaml } from './helm-values/common';

/** Props of {@link PlatformRelease}. */
export interface PlatformReleaseProps {
  readonly provider: HelmProvider;
  /** Helm release name. */
  readonly name: string;
  readonly chart: PinnedChart;
  /** Namespace of the release; created by Helm when missing (see the platform stack for why). */
  readonly namespace: string;
  /** Typed values, serialized to YAML with sorted keys. */
  readonly values: object;
  /**
   * Wait until every resource is ready, and roll back (atomic) when it is not within the timeout. Off for charts
   * whose pods need objects that the k8s layer creates after this stack (Secrets, StorageClasses): their first
   * install would always time out and roll back.
   * @default true
   */
  readonly waitForReady?: boolean;
  /**
   * Seconds Helm waits for the release.
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /**
   * Releases that must be installed first.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** Revisions Helm keeps per release (rollback targets); the default (unbounded) grows Secrets forever. */
export const RELEASE_MAX_HISTORY = 10;

/** One Helm release of a platform operator with the kit's install policy: pinned, atomic, bounded history. */
export class PlatformRelease extends Construct {
  /** The release. */
  public readonly release: Release;

  constructor(scope: Construct, id: string, props: PlatformReleaseProps) {
    super(scope, id);
    const wait = props.waitForReady ?? true;
    this.release = new Release(this, 'Resource', {
      provider: props.provider,
      name: props.name,
      repository: props.chart.repository,
      chart: props.chart.chart,
      version: props.chart.version,
      namespace: props.namespace,
      createNamespace: true,
      values: [toValuesYaml(props.values)],
      atomic: wait,
      wait,
      waitForJobs: wait,
      cleanupOnFail: true,
      timeout: props.timeoutSeconds ?? 600,
      maxHistory: RELEASE_MAX_HISTORY,
      // Helm's own schema check and OpenAPI validation stay on; CRDs ship with the charts.
      skipCrds: false,
      dependsOn: props.dependsOn,
    });
  }
}
