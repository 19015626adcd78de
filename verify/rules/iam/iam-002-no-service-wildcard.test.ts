import { IAM_002 } from './iam-002-no-service-wildcard';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const run =
  (stack: string, address: string, edits: Edits = {}) =>
  () =>
    IAM_002.evaluate(distResource(stack, address, edits));

ruleTests(IAM_002, {
  compliant: [
    {
      name: 'the real Karpenter policy',
      result: run('dev-workloads', 'aws_iam_role_policy.karpenter_policy'),
    },
    {
      name: 'the real bucket policy (Deny s3:*)',
      result: run('dev-data', 'aws_s3_bucket_policy.datalake_bucket_policy'),
    },
  ],
  nonCompliant: [
    {
      name: 'the real build role granted ecr:*',
      result: run('dev-registry', 'aws_iam_role_policy.spark_runtime_build_role_policy', {
        'data.aws_iam_policy_document.spark_runtime_build_role_policy_document.statement.1.actions': [
          'ecr:*',
        ],
      }),
      message: /grants "ecr:\*"/,
    },
    {
      name: 'the real queue policy allowing sqs:*',
      result: run('dev-cluster', 'aws_sqs_queue_policy.karpenter_interruption_queue_policy', {
        'data.aws_iam_policy_document.karpenter_interruption_queue_policy_document.statement.0.actions': [
          'sqs:*',
        ],
      }),
      message: /sqs:\*/,
    },
  ],
});
