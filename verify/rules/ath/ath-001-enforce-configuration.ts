import { block, isTrue } from '../lib/values';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** ATH-001: clients cannot override the workgroup's settings. */
export const ATH_001: TerraformRule = {
  id: 'ATH-001',
  info: 'Athena workgroups enforce their configuration (enforce_workgroup_configuration true)',
  rationale:
    'Without enforcement a client may choose its own result location and encryption, writing query results (table ' +
    'data) unencrypted or to another bucket, and escape the bytes-scanned limit.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_athena_workgroup') return notApplicable();
    const configuration = block(resource.values.configuration);
    // The provider defaults enforce_workgroup_configuration to true; only an explicit false weakens it.
    return verdict(
      configuration.enforce_workgroup_configuration === undefined ||
        isTrue(configuration.enforce_workgroup_configuration)
        ? []
        : ['configuration.enforce_workgroup_configuration is false'],
    );
  },
};
