import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { stackName, type EnvironmentConfig } from '../../config';

/** Props of every environment chart. */
export interface EnvironmentChartProps {
  /** The validated environment this chart belongs to. */
  readonly env: EnvironmentConfig;
}

/** Label of the environment on every object and pod (EnvironmentChart sets it on objects, not on pods). */
export const ENVIRONMENT_LABEL = 'sql-etl-on-eks/environment';

/** Labels every object carries, so `kubectl get -l app.kubernetes.io/part-of=sql-etl-on-eks` finds them all. */
export const COMMON_LABELS = {
  'app.kubernetes.io/part-of': 'sql-etl-on-eks',
  'app.kubernetes.io/managed-by': 'cdk8s',
} as const;

/**
 * Base of every chart: id `<env>-<unit>`, stable object names (no hash suffix), the common labels.
 */
export abstract class EnvironmentChart extends Chart {
  /** The environment this chart deploys. */
  public readonly env: EnvironmentConfig;

  protected constructor(scope: Construct, unit: string, props: EnvironmentChartProps) {
    super(scope, stackName(props.env, unit), {
      disableResourceNameHashes: true,
      labels: { ...COMMON_LABELS, [ENVIRONMENT_LABEL]: props.env.name },
    });
    this.env = props.env;
  }
}
