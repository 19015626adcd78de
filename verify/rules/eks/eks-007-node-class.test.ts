import { EKS_007 } from './eks-007-node-class';
import { k8s, ruleTests } from '../testing';

const nodeClass = {
  apiVersion: 'karpenter.k8s.aws/v1',
  kind: 'EC2NodeClass',
  metadata: { name: 'spark' },
  spec: {
    role: 'sqletl-dev-us-east-1-karpenter-node',
    amiSelectorTerms: [{ alias: 'al2023@v20250101' }],
    metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [
      { deviceName: '/dev/xvda', ebs: { volumeSize: '100Gi', volumeType: 'gp3', encrypted: true } },
    ],
  },
};

ruleTests(EKS_007, {
  compliant: [
    { name: 'explicit safe settings', result: () => EKS_007.evaluate(k8s(nodeClass)) },
    {
      name: 'Karpenter defaults',
      result: () =>
        EKS_007.evaluate(
          k8s(nodeClass, { 'spec.metadataOptions': undefined, 'spec.blockDeviceMappings': undefined }),
        ),
    },
  ],
  nonCompliant: [
    {
      name: 'hop limit 2',
      result: () => EKS_007.evaluate(k8s(nodeClass, { 'spec.metadataOptions.httpPutResponseHopLimit': 2 })),
      message: /HopLimit is 2/,
    },
    {
      name: 'IMDSv1',
      result: () => EKS_007.evaluate(k8s(nodeClass, { 'spec.metadataOptions.httpTokens': 'optional' })),
      message: /httpTokens/,
    },
    {
      name: 'unencrypted volume',
      result: () => EKS_007.evaluate(k8s(nodeClass, { 'spec.blockDeviceMappings.0.ebs.encrypted': false })),
      message: /encrypted is not true/,
    },
  ],
});
