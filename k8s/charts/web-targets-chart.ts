import type { Construct } from 'constructs';
import {
  TargetGroupBindingV1Beta1,
  TargetGroupBindingV1Beta1SpecServiceRefPort,
  TargetGroupBindingV1Beta1SpecTargetType,
} from '../../imports/aws-load-balancer-controller-elbv2.k8s.aws';
import { WEB_UIS, targetGroupName } from '../../config';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';

/**
 * One TargetGroupBinding per published UI (`config/web.ts`): the AWS Load Balancer Controller registers the pod IPs
 * behind the UI's Service in the target group the edge stack created, found by its name (`spec.targetGroupName`; the
 * ARN carries an id only AWS knows). No `networking` block: the edge stack's Terraform owns the security group rules
 * that admit the ALB, so the controller changes none.
 */
export class WebTargetsChart extends EnvironmentChart {
  constructor(scope: Construct, props: EnvironmentChartProps) {
    super(scope, 'web-targets', props);
    for (const ui of WEB_UIS) {
      new TargetGroupBindingV1Beta1(this, ui.name, {
        metadata: { name: ui.name, namespace: ui.service.namespace },
        spec: {
          targetGroupName: targetGroupName(this.env, ui.name),
          targetType: TargetGroupBindingV1Beta1SpecTargetType.IP,
          serviceRef: {
            name: ui.service.name,
            port: TargetGroupBindingV1Beta1SpecServiceRefPort.fromNumber(ui.service.port),
          },
        },
      });
    }
  }
}
