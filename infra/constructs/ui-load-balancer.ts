import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import {
  EDGE_UI_HEADER,
  targetGroupName,
  webAlbName,
  type EnvironmentConfig,
  type WebUi,
} from '../../config';
import { ORIGIN_VERIFY_HEADER } from './ui-distribution';

/** TLS policy of the HTTPS listener: TLS 1.2 and 1.3 only, forward-secret ciphers. */
export const ALB_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06';

/** Seconds the ALB waits for an in-flight request before a deregistered pod is dropped (rolling updates). */
export const DEREGISTRATION_DELAY_SECONDS = 30;

/** Props of {@link UiLoadBalancer}. */
export interface UiLoadBalancerProps {
  readonly env: EnvironmentConfig;
  /** The published UIs; one target group and one listener rule each. */
  readonly uis: readonly WebUi[];
  readonly vpcId: string;
  /** Private subnets (at least two AZs) the internal ALB lives in. */
  readonly privateSubnetIds: string[];
  /**
   * The security group of the pods' nodes (the EKS cluster security group: the system node group and every
   * Karpenter node carry it). Targets are pod IPs, so it must admit the ALB on each UI's target port.
   */
  readonly nodeSecurityGroupId: string;
  /** Id of the managed prefix list of CloudFront's origin-facing addresses, the only allowed source. */
  readonly cloudFrontPrefixListId: string;
  /** Value the {@link ORIGIN_VERIFY_HEADER} header must carry (a reference to the secret, never a literal). */
  readonly originVerifyValue: string;
  /**
   * Regional ACM certificate for the UIs' host names: the listener speaks HTTPS on 443 with it.
   * @default - an HTTP listener on 80 (no name the ALB could prove; see the edge stack)
   */
  readonly certificateArn?: string;
}

/**
 * The internal ALB of the web UIs, created by Terraform before anything in the cluster exists: one listener whose
 * default action is a 403, one rule per UI that forwards only requests carrying the secret origin header and the UI's
 * `X-Edge-Ui` header (set by that UI's CloudFront distribution: the viewer's Host of a `*.cloudfront.net` name is
 * unknown at synth, and the UIs all live at `/`), and one `ip` target group per UI, which the k8s layer's
 * TargetGroupBinding fills with the pods of the UI's Service (found by the target group's name).
 */
export class UiLoadBalancer extends Construct {
  /** The ALB. */
  public readonly loadBalancer: Lb;
  /** Its security group. */
  public readonly securityGroup: SecurityGroup;
  /** The listener CloudFront's VPC origin connects to. */
  public readonly listener: LbListener;
  /** Port of that listener (443 with a certificate, else 80). */
  public readonly listenerPort: number;
  /** Target group of each UI, by UI name. */
  public readonly targetGroups: Readonly<Record<string, LbTargetGroup>>;

  constructor(scope: Construct, id: string, props: UiLoadBalancerProps) {
    super(scope, id);
    const { env, uis } = props;
    const name = webAlbName(env);
    const https = props.certificateArn !== undefined;
    this.listenerPort = https ? 443 : 80;

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: `${name}-alb`,
      description: `${name}: from CloudFront VPC origins to the UI pods`,
      vpcId: props.vpcId,
      // Rules are separate resources below; Terraform removes the default allow-all egress.
    });
    new VpcSecurityGroupIngressRule(this, 'FromCloudFront', {
      securityGroupId: this.securityGroup.id,
      description: 'CloudFront VPC origin (origin-facing prefix list)',
      ipProtocol: 'tcp',
      fromPort: this.listenerPort,
      toPort: this.listenerPort,
      prefixListId: props.cloudFrontPrefixListId,
    });

    this.loadBalancer = new Lb(this, 'Resource', {
      name,
      internal: true,
      loadBalancerType: 'application',
      securityGroups: [this.securityGroup.id],
      subnets: props.privateSubnetIds,
      // Headers with invalid characters are dropped, not passed to the UIs (request smuggling).
      dropInvalidHeaderFields: true,
      desyncMitigationMode: 'strictest',
      enableDeletionProtection: false,
      // No ALB access logs: they can only be written to buckets encrypted with S3-managed keys, and the logs bucket
      // uses the project KMS key. Every request reaches this ALB through CloudFront, whose access logs record it.
    });

    const targetGroups: Record<string, LbTargetGroup> = {};
    for (const ui of uis) {
      const group = new LbTargetGroup(this, `${ui.id}Targets`, {
        name: targetGroupName(env, ui.name),
        targetType: 'ip',
        vpcId: props.vpcId,
        protocol: ui.protocol,
        protocolVersion: 'HTTP1',
        port: ui.service.targetPort,
        deregistrationDelay: String(DEREGISTRATION_DELAY_SECONDS),
        healthCheck: {
          enabled: true,
          protocol: ui.protocol,
          path: ui.healthCheckPath,
          port: 'traffic-port',
          matcher: '200',
        },
      });
      targetGroups[ui.name] = group;

      // The pods (on the node security group) admit the ALB on the UI's container port, and the ALB may send
      // nothing else.
      new VpcSecurityGroupEgressRule(this, `To${ui.id}Pods`, {
        securityGroupId: this.securityGroup.id,
        description: `${ui.name} pods`,
        ipProtocol: 'tcp',
        fromPort: ui.service.targetPort,
        toPort: ui.service.targetPort,
        referencedSecurityGroupId: props.nodeSecurityGroupId,
      });
      new VpcSecurityGroupIngressRule(this, `${ui.id}PodsFromAlb`, {
        securityGroupId: props.nodeSecurityGroupId,
        description: `${name} ALB to the ${ui.name} pods`,
        ipProtocol: 'tcp',
        fromPort: ui.service.targetPort,
        toPort: ui.service.targetPort,
        referencedSecurityGroupId: this.securityGroup.id,
      });
    }
    this.targetGroups = targetGroups;

    this.listener = new LbListener(this, 'Listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: this.listenerPort,
      protocol: https ? 'HTTPS' : 'HTTP',
      certificateArn: props.certificateArn,
      sslPolicy: https ? ALB_TLS_POLICY : undefined,
      // Anything not matched by a UI rule (no origin header, unknown UI) is refused.
      defaultAction: [
        {
          type: 'fixed-response',
          fixedResponse: { contentType: 'text/plain', statusCode: '403', messageBody: 'Forbidden' },
        },
      ],
    });

    uis.forEach((ui, index) => {
      new LbListenerRule(this, `${ui.id}Rule`, {
        listenerArn: this.listener.arn,
        priority: (index + 1) * 10,
        condition: [
          { httpHeader: { httpHeaderName: ORIGIN_VERIFY_HEADER, values: [props.originVerifyValue] } },
          { httpHeader: { httpHeaderName: EDGE_UI_HEADER, values: [ui.name] } },
        ],
        action: [{ type: 'forward', targetGroupArn: group(ui).arn }],
      });
    });

    function group(ui: WebUi): LbTargetGroup {
      return targetGroups[ui.name];
    }
  }
}
