import type { EnvironmentConfig } from '../environment';
import { PipelineError, loadPipelines } from './load';
import type { PipelineSpec } from './model';

/**
 * For entry points: every pipeline of the repository (asset parameters resolved for `env` when given), or — on an
 * invalid pipeline — every problem (file, field, value, fix) on stderr and exit status 1, without a stack trace.
 */
export function pipelinesForCli(repoRoot: string, env?: EnvironmentConfig): PipelineSpec[] {
  try {
    return loadPipelines(repoRoot, env);
  } catch (error) {
    if (error instanceof PipelineError) {
      const count = error.problems.length;
      process.stderr.write(`${error.message}\n${count} problem${count === 1 ? '' : 's'} in etl/pipelines/\n`);
      process.exit(1);
    }
    throw error;
  }
}
