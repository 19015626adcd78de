import { block, blocks, record, show } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** EKS-007: Karpenter nodes get the same IMDS and volume protections as the managed node group. */
export const EKS_007: KubernetesRule = {
  id: 'EKS-007',
  info: 'Karpenter EC2NodeClass keeps IMDSv2 required with hop limit 1 and declares only encrypted volumes',
  rationale:
    'Karpenter launches the Spark nodes from the EC2NodeClass, not from the Terraform launch template; its ' +
    'defaults are safe (required, 1, encrypted root volume) and the rule keeps overrides from weakening them.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const { manifest } = object;
    if (manifest.kind !== 'EC2NodeClass' || !show(manifest.apiVersion).startsWith('karpenter.k8s.aws/')) {
      return notApplicable();
    }
    const spec = record(manifest.spec);
    const failures: string[] = [];
    const metadata = record(spec.metadataOptions);
    if (metadata.httpEndpoint !== 'disabled') {
      if (metadata.httpTokens !== undefined && metadata.httpTokens !== 'required') {
        failures.push(`metadataOptions.httpTokens is ${show(metadata.httpTokens)}; use required`);
      }
      if (metadata.httpPutResponseHopLimit !== undefined && metadata.httpPutResponseHopLimit !== 1) {
        failures.push(
          `metadataOptions.httpPutResponseHopLimit is ${show(metadata.httpPutResponseHopLimit)}; use 1`,
        );
      }
    }
    blocks(spec.blockDeviceMappings).forEach((m, i) => {
      if (block(m.ebs).encrypted !== true)
        failures.push(`blockDeviceMappings[${i}].ebs.encrypted is not true`);
    });
    return verdict(failures);
  },
};
