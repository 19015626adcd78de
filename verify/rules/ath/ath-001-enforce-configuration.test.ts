import { ATH_001 } from './ath-001-enforce-configuration';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const WG = 'resource.aws_athena_workgroup.athena_workgroup.configuration';
const run =
  (edits: Edits = {}) =>
  () =>
    ATH_001.evaluate(distResource('dev-data', 'aws_athena_workgroup.athena_workgroup', edits));

ruleTests(ATH_001, {
  compliant: [{ name: 'the real workgroup', result: run() }],
  nonCompliant: [
    {
      name: 'clients may override',
      result: run({ [`${WG}.enforce_workgroup_configuration`]: false }),
      message: /false/,
    },
  ],
});
