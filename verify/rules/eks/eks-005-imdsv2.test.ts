import { EKS_005 } from './eks-005-imdsv2';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const METADATA = 'resource.aws_launch_template.system_nodes_launch_template.metadata_options';
const run =
  (edits: Edits = {}) =>
  () =>
    EKS_005.evaluate(distResource('dev-cluster', 'aws_launch_template.system_nodes_launch_template', edits));

ruleTests(EKS_005, {
  compliant: [
    { name: 'the real system node launch template', result: run() },
    { name: 'metadata disabled', result: run({ [METADATA]: { http_endpoint: 'disabled' } }) },
  ],
  nonCompliant: [
    {
      name: 'IMDSv1 allowed',
      result: run({ [`${METADATA}.http_tokens`]: 'optional' }),
      message: /http_tokens is optional/,
    },
    {
      name: 'hop limit 2',
      result: run({ [`${METADATA}.http_put_response_hop_limit`]: 2 }),
      message: /hop_limit is 2; use 1/,
    },
    { name: 'no metadata options', result: run({ [METADATA]: undefined }), message: /unset/ },
  ],
});
