import type { PolicyStatement } from '../iam';
import type { WorkloadPolicyContext } from './context';
import { etlStatements } from './statements';

/** Notebook users of the editor group: everything an ETL job does, to build one. */
export function jupyterSingleUser(ctx: WorkloadPolicyContext): PolicyStatement[] {
  return etlStatements(ctx);
}
