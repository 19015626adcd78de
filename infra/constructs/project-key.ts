import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { kmsAliasName, partition, resourcePrefix, type EnvironmentConfig } from '../../config';

/** Props of {@link ProjectKey}. */
export interface ProjectKeyProps {
  readonly env: EnvironmentConfig;
  /**
   * Days AWS waits before deleting the key after `terraform destroy`.
   * @default 30
   */
  readonly deletionWindowInDays?: number;
}

/** Key administration and use, delegated to IAM policies in this account (the key itself is the only resource). */
const ACCOUNT_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/**
 * The environment's customer-managed KMS key (symmetric, yearly rotation) and its alias. Every bucket, log group,
 * secret and the EKS secrets envelope use it; the key policy names this account only.
 */
export class ProjectKey extends Construct {
  /** The key. */
  public readonly key: KmsKey;
  /** `alias/<prefix>-<env>`. */
  public readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: ProjectKeyProps) {
    super(scope, id);
    const { env } = props;

    const policy = new DataAwsIamPolicyDocument(this, 'Policy', {
      statement: [
        {
          sid: 'AccountAdministersAndUsesKeyThroughIam',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [`arn:${partition(env)}:iam::${env.account}:root`] }],
          actions: ACCOUNT_ACTIONS,
          // In a key policy "*" means "this key"; a key policy cannot name any other resource.
          resources: ['*'],
        },
        {
          // EBS volumes of EKS managed nodes (launched by the Auto Scaling service-linked role) and of Karpenter's
          // instances (EC2 Fleet) are encrypted with this key. Like the AWS-managed aws/ebs key, allow any principal
          // of this account, only through EC2; naming the service-linked roles would fail before they exist.
          sid: 'ThisAccountEncryptsVolumesThroughEc2',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: [
            'kms:CreateGrant',
            'kms:Decrypt',
            'kms:DescribeKey',
            'kms:Encrypt',
            'kms:GenerateDataKey',
            'kms:GenerateDataKeyWithoutPlaintext',
            'kms:ReEncryptFrom',
            'kms:ReEncryptTo',
          ],
          // Key policy: "*" is this key.
          resources: ['*'],
          condition: [
            { test: 'StringEquals', variable: 'kms:CallerAccount', values: [env.account] },
            { test: 'StringEquals', variable: 'kms:ViaService', values: [`ec2.${env.region}.amazonaws.com`] },
          ],
        },
        {
          sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: [`logs.${env.region}.amazonaws.com`] }],
          actions: [
            'kms:Encrypt',
            'kms:Decrypt',
            'kms:ReEncryptFrom',
            'kms:ReEncryptTo',
            'kms:GenerateDataKey',
            'kms:DescribeKey',
          ],
          // Key policy: "*" is this key.
          resources: ['*'],
          condition: [
            {
              test: 'ArnLike',
              variable: 'kms:EncryptionContext:aws:logs:arn',
              values: [`arn:${partition(env)}:logs:${env.region}:${env.account}:log-group:*`],
            },
          ],
        },
      ],
    });

    this.key = new KmsKey(this, 'Resource', {
      description: `${resourcePrefix(env)}: data lake, assets, logs, secrets and EKS secrets encryption`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      policy: policy.json,
    });

    this.alias = new KmsAlias(this, 'Alias', { name: kmsAliasName(env), targetKeyId: this.key.keyId });
  }
}
