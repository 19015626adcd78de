import type { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { WORKLOADS, roleArn } from '../../config';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';

/** The IRSA annotation EKS's pod identity webhook reads. */
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

/**
 * One service account per workload identity in config/, annotated with the ARN of the IAM role infra creates for
 * it. The ARN is computed from the config, not read from Terraform state, so this chart synthesizes offline.
 */
export class WorkloadIdentitiesChart extends EnvironmentChart {
  constructor(scope: Construct, props: EnvironmentChartProps) {
    super(scope, 'workload-identities', props);
    for (const workload of Object.values(WORKLOADS)) {
      new k8s.KubeServiceAccount(this, `${workload.namespace}-${workload.serviceAccount}`, {
        metadata: {
          name: workload.serviceAccount,
          namespace: workload.namespace,
          annotations: {
            [IRSA_ANNOTATION]: roleArn(props.env, workload.role),
            // Regional STS endpoint: stays inside the VPC through its endpoint, no dependency on us-east-1.
            'eks.amazonaws.com/sts-regional-endpoints': 'true',
          },
        },
        // Tokens are projected by the IRSA webhook; the legacy secret-based token is not needed.
        automountServiceAccountToken: true,
      });
    }
  }
}
