import { KMS_003 } from './kms-003-key-policy-principals';
import type { Edits } from '../testing';
import { distResource, resource, ruleTests } from '../testing';

const KEY = 'aws_kms_key.project_key';
const DOC = 'data.aws_iam_policy_document.project_key_policy';
const run =
  (edits: Edits = {}) =>
  () =>
    KMS_003.evaluate(distResource('dev-foundation', KEY, edits));

ruleTests(KMS_003, {
  compliant: [
    { name: 'the real project key policy', result: run() },
    {
      name: 'no policy (the default key policy)',
      result: () => KMS_003.evaluate(resource('aws_kms_key', {})),
    },
  ],
  nonCompliant: [
    {
      name: 'another account as principal',
      result: run({
        [`${DOC}.statement.0.principals`]: [{ type: 'AWS', identifiers: ['arn:aws:iam::999999999999:root'] }],
      }),
      message: /arn:aws:iam::999999999999:root, which is not in this account/,
    },
    {
      name: '"*" without kms:CallerAccount',
      result: run({
        [`${DOC}.statement.1.condition`]: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: ['ec2.us-east-1.amazonaws.com'] },
        ],
      }),
      message: /ThisAccountEncryptsVolumesThroughEc2 grants AWS "\*" without a kms:CallerAccount/,
    },
    {
      name: 'a service principal without conditions',
      result: run({ [`${DOC}.statement.2.condition`]: [] }),
      message: /grants service logs\.us-east-1\.amazonaws\.com without a condition/,
    },
  ],
});
