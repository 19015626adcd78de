import { block, numeric, show } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** EKS-005: nodes require IMDSv2 and keep instance metadata out of reach of pods. */
export const EKS_005: TerraformRule = {
  id: 'EKS-005',
  info: 'Launch templates require IMDSv2 (http_tokens required) with http_put_response_hop_limit 1',
  rationale:
    'IMDSv1 answers any SSRF-able GET with the node role credentials; a hop limit of 1 keeps pods (one hop further, ' +
    'in their own network namespace) from reaching the node role at all, so they use their own IRSA/Pod Identity role.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_launch_template') return notApplicable();
    const metadata = block(resource.values.metadata_options);
    if (metadata.http_endpoint === 'disabled') return verdict([], 'instance metadata disabled');
    const failures: string[] = [];
    if (metadata.http_tokens !== 'required')
      failures.push(`metadata_options.http_tokens is ${show(metadata.http_tokens ?? 'unset')}; use required`);
    const hops = numeric(metadata.http_put_response_hop_limit);
    if (hops !== 1)
      failures.push(`metadata_options.http_put_response_hop_limit is ${show(hops ?? 'unset')}; use 1`);
    return verdict(failures);
  },
};
