import { ATH_003 } from './ath-003-bytes-scanned-cutoff';
import type { Edits } from '../testing';
import { distResource, ruleTests } from '../testing';

const run =
  (edits: Edits = {}) =>
  () =>
    ATH_003.evaluate(distResource('dev-data', 'aws_athena_workgroup.athena_workgroup', edits));

ruleTests(ATH_003, {
  compliant: [{ name: 'the real workgroup (10 GiB)', result: run() }],
  nonCompliant: [
    {
      name: 'no cut-off',
      result: run({
        'resource.aws_athena_workgroup.athena_workgroup.configuration.bytes_scanned_cutoff_per_query':
          undefined,
      }),
      message: /bytes_scanned_cutoff_per_query/,
    },
  ],
});
