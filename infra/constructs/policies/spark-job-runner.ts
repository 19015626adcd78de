import type { PolicyStatement } from '../iam';
import type { WorkloadPolicyContext } from './context';
import { etlStatements } from './statements';

/** The Spark job runner: everything an ETL job does. */
export function sparkJobRunner(ctx: WorkloadPolicyContext): PolicyStatement[] {
  return etlStatements(ctx);
}
