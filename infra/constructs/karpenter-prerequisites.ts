import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { Ec2Tag } from '@cdktf/provider-aws/lib/ec2-tag';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import {
  KARPENTER_DISCOVERY_TAG,
  KARPENTER_NODE_ROLE,
  karpenterDiscoveryValue,
  karpenterQueueArn,
  karpenterQueueName,
  partition,
  resourcePrefix,
  type EnvironmentConfig,
} from '../../config';
import { ServiceRole } from './iam';
import { NODE_MANAGED_POLICIES, NODE_TRUST_CONDITIONS } from './system-node-group';

/**
 * The events Karpenter handles, each routed to the queue by one EventBridge rule: the rules of Karpenter v1.14.1's
 * reference CloudFormation template (website/content/en/preview/getting-started/getting-started-with-karpenter/
 * cloudformation.yaml at tag v1.14.1).
 */
const INTERRUPTION_EVENTS = [
  {
    id: 'SpotInterruptionRule',
    suffix: 'spot-interruption',
    pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
  },
  {
    id: 'RebalanceRule',
    suffix: 'rebalance',
    pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance Rebalance Recommendation'] },
  },
  {
    id: 'InstanceStateChangeRule',
    suffix: 'instance-state-change',
    pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
  },
  {
    id: 'CapacityReservationInterruptionRule',
    suffix: 'capacity-reservation-interruption',
    pattern: {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Capacity Reservation Instance Interruption Warning'],
    },
  },
  {
    // Karpenter's reference template forwards every AWS Health event; Karpenter acts only on EC2 scheduled changes,
    // so the rule forwards only those (less queue traffic, same behaviour).
    id: 'ScheduledChangeRule',
    suffix: 'scheduled-change',
    pattern: {
      source: ['aws.health'],
      'detail-type': ['AWS Health Event'],
      detail: { service: ['EC2'], eventTypeCategory: ['scheduledChange'] },
    },
  },
] as const;

/** Props of {@link KarpenterPrerequisites}. */
export interface KarpenterPrerequisitesProps {
  readonly env: EnvironmentConfig;
  /** Name of the cluster (the cluster resource's attribute, so the access entry is created after the cluster). */
  readonly clusterName: string;
  /**
   * The security group EKS creates for the cluster (control plane ENIs and managed nodes). Karpenter's nodes join
   * it too, found by {@link KARPENTER_DISCOVERY_TAG}, so they reach the control plane and every other node.
   */
  readonly clusterSecurityGroupId: string;
}

/**
 * What Karpenter needs from AWS before its Helm release: the role of the nodes it launches (with an EC2_LINUX access
 * entry, so nodes join without an aws-auth ConfigMap) and the interruption queue fed by EventBridge.
 *
 * No instance profile: Karpenter ≥ 1.0 creates and manages instance profiles from the role named in the
 * EC2NodeClass (`spec.role`), so creating one here would only leave an unused profile behind.
 */
export class KarpenterPrerequisites extends Construct {
  /** Role of the nodes Karpenter launches, named `roleName(env, KARPENTER_NODE_ROLE)`. */
  public readonly nodeRole: IamRole;
  /** The interruption queue. */
  public readonly interruptionQueue: SqsQueue;
  /**
   * The EventBridge rules feeding the queue (spot interruption, rebalance, state change, capacity reservation
   * interruption, scheduled change).
   */
  public readonly rules: readonly CloudwatchEventRule[];

  constructor(scope: Construct, id: string, props: KarpenterPrerequisitesProps) {
    super(scope, id);
    const { env } = props;

    this.nodeRole = new ServiceRole(this, 'NodeRole', {
      env,
      name: KARPENTER_NODE_ROLE,
      servicePrincipal: 'ec2.amazonaws.com',
      trustConditions: NODE_TRUST_CONDITIONS,
      // SSM: nodes have no SSH key; Session Manager is the break-glass shell.
      managedPolicies: [...NODE_MANAGED_POLICIES, 'AmazonSSMManagedInstanceCore'],
    }).role;

    // EKS creates the cluster security group, so Terraform tags it rather than owning it. The private subnets carry
    // the same tag from the network stack.
    new Ec2Tag(this, 'ClusterSecurityGroupDiscoveryTag', {
      resourceId: props.clusterSecurityGroupId,
      key: KARPENTER_DISCOVERY_TAG,
      value: karpenterDiscoveryValue(env),
    });

    new EksAccessEntry(this, 'NodeAccessEntry', {
      clusterName: props.clusterName,
      principalArn: this.nodeRole.arn,
      type: 'EC2_LINUX',
    });

    // SQS-managed encryption, not the project key: EventBridge would need kms:GenerateDataKey and kms:Decrypt in the
    // key policy to deliver to a CMK-encrypted queue, and the messages are EC2 lifecycle notices, not data.
    this.interruptionQueue = new SqsQueue(this, 'InterruptionQueue', {
      name: karpenterQueueName(env),
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    });

    const ruleName = (suffix: string) => `${resourcePrefix(env)}-karpenter-${suffix}`;
    const ruleArn = (suffix: string) =>
      `arn:${partition(env)}:events:${env.region}:${env.account}:rule/${ruleName(suffix)}`;

    const policy = new DataAwsIamPolicyDocument(this, 'InterruptionQueuePolicyDocument', {
      statement: [
        {
          sid: 'EventBridgeRulesSendInterruptionEvents',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
          actions: ['sqs:SendMessage'],
          resources: [karpenterQueueArn(env)],
          // Only this environment's rules, not any rule in any account.
          condition: [
            {
              test: 'ArnEquals',
              variable: 'aws:SourceArn',
              values: INTERRUPTION_EVENTS.map((e) => ruleArn(e.suffix)),
            },
          ],
        },
        {
          sid: 'SqsSendsInterruptionEvents',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['sqs.amazonaws.com'] }],
          actions: ['sqs:SendMessage'],
          resources: [karpenterQueueArn(env)],
        },
        {
          sid: 'DenyWithoutTls',
          effect: 'Deny',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['sqs:*'],
          resources: [karpenterQueueArn(env)],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    new SqsQueuePolicy(this, 'InterruptionQueuePolicy', {
      queueUrl: this.interruptionQueue.url,
      policy: policy.json,
    });

    this.rules = INTERRUPTION_EVENTS.map((event) => {
      const rule = new CloudwatchEventRule(this, event.id, {
        name: ruleName(event.suffix),
        description: `Karpenter interruption handling: ${event.pattern['detail-type'][0]}`,
        eventPattern: JSON.stringify(event.pattern),
      });
      new CloudwatchEventTarget(this, `${event.id}Target`, {
        rule: rule.name,
        targetId: 'KarpenterInterruptionQueue',
        arn: this.interruptionQueue.arn,
      });
      return rule;
    });
  }
}
