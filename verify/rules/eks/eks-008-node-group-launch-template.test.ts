import { EKS_008 } from './eks-008-node-group-launch-template';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const run =
  (edits: Edits = {}) =>
  () =>
    EKS_008.evaluate(distResource('dev-cluster', 'aws_eks_node_group.system_nodes', edits));

ruleTests(EKS_008, {
  compliant: [{ name: 'the real system node group', result: run() }],
  nonCompliant: [
    {
      name: 'without launch template',
      result: run({ 'resource.aws_eks_node_group.system_nodes.launch_template': undefined }),
      message: /hop limit 2/,
    },
  ],
});
