import type { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { WORKLOADS, roleArn } from '../../config';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';

/** The IRSA annotation EKS's pod identity webhook reads. */
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

/**
 * The service accounts the kit owns, one per workload identity in config/. IRSA ones carry the ARN of the IAM role
 * infra creates (computed from the config, not read from Terraform state, so this chart synthesizes offline); Pod
 * Identity ones need no annotation, infra associates them with their role.
 */
export class WorkloadIdentitiesChart extends EnvironmentChart {
  constructor(scope: Construct, props: EnvironmentChartProps) {
    super(scope, 'workload-identities', props);
    // Service accounts of Helm-installed components are created by their charts; the kit creates its own.
    for (const workload of Object.values(WORKLOADS).filter((w) => w.createdBy === 'kit')) {
      const annotations: Record<string, string> =
        workload.mechanism === 'irsa'
          ? {
              [IRSA_ANNOTATION]: roleArn(props.env, workload.role),
              // Regional STS endpoint: stays inside the VPC through its endpoint, no dependency on us-east-1.
              'eks.amazonaws.com/sts-regional-endpoints': 'true',
            }
          : {};
      new k8s.KubeServiceAccount(this, `${workload.namespace}-${workload.serviceAccount}`, {
        metadata: {
          name: workload.serviceAccount,
          namespace: workload.namespace,
          annotations,
        },
        // Tokens are projected by the IRSA webhook; the legacy secret-based token is not needed.
        automountServiceAccountToken: true,
      });
    }
  }
}
