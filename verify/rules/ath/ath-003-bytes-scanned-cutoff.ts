import { block, numeric } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** ATH-003: one query cannot scan (and bill) without limit. */
export const ATH_003: TerraformRule = {
  id: 'ATH-003',
  info: 'Athena workgroups set bytes_scanned_cutoff_per_query',
  rationale: 'Athena bills per byte scanned; a cut-off stops a runaway query over the whole data lake.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_athena_workgroup') return notApplicable();
    const cutoff = numeric(block(resource.values.configuration).bytes_scanned_cutoff_per_query);
    return verdict(
      cutoff !== undefined && cutoff > 0 ? [] : ['configuration.bytes_scanned_cutoff_per_query is not set'],
    );
  },
};
