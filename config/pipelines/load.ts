/**
 * The pipeline loader: every file under etl/pipelines/ parsed (parse.ts), checked (check.ts, check-jobs.ts) and
 * resolved to the model k8s/ sees (resolve.ts), with every problem of every file reported at once.
 */
import * as path from 'node:path';
import type { EnvironmentConfig } from '../environment';
import { checkClusterLimits, checkDag, checkName, checkOwner, checkOwnerEverywhere } from './check';
import { checkDataTests, checkJobs, checkParameters } from './check-jobs';
import { readText, scanPipelineFiles } from './files';
import { setHoconCache } from './hocon-sync';
import type { PipelineSpec } from './model';
import { readYaml, validateSchema, valueAt } from './parse';
import { PipelineError, show } from './problems';
import { resolvePipeline } from './resolve';
import { setSqlCompileCache } from './sql-compile';

export { JOBS_DIR, pipelineFiles } from './files';
export { PipelineError } from './problems';

/** The problems of one file and, when there are none, its spec. */
function checkPipeline(
  file: string,
  text: string,
  repoRoot: string,
  env: EnvironmentConfig | undefined,
): { spec?: PipelineSpec; problems: string[] } {
  const { problems, input } = readYaml(file, text);
  if (input === undefined) return { problems: problems.lines };
  checkName(problems, file, valueAt(input, ['name']));
  const pipeline = validateSchema(problems, input);
  if (pipeline === undefined) return { problems: problems.lines };
  const team =
    env === undefined
      ? checkOwnerEverywhere(problems, pipeline.owner)
      : checkOwner(problems, env, pipeline.owner);
  checkDag(problems, pipeline.jobs);
  checkClusterLimits(problems, pipeline);
  checkParameters(problems, repoRoot, ['parameters'], pipeline.parameters);
  const { lineages, values } = checkJobs(problems, file, repoRoot, pipeline, env, team);
  if (problems.lines.length > 0) return { problems: problems.lines };
  const tests = checkDataTests(problems, pipeline, lineages, values);
  if (problems.lines.length > 0) return { problems: problems.lines };
  return { spec: resolvePipeline(file, repoRoot, pipeline, env, lineages, tests), problems: [] };
}

/**
 * Validates one pipeline file and resolves its defaults. `file` is the path relative to the repository root (it
 * names the pipeline and appears in messages). With `env`, `asset:` parameters become S3 URIs and arc jobs get the
 * environment's name as their Arc environment; without it both stay as written. Throws PipelineError listing every
 * problem of the file.
 */
export function parsePipeline(
  file: string,
  text: string,
  repoRoot: string,
  env?: EnvironmentConfig,
): PipelineSpec {
  const { spec, problems } = checkPipeline(file, text, repoRoot, env);
  if (spec === undefined) throw new PipelineError(problems);
  return spec;
}

/**
 * Loads and validates every pipeline under etl/pipelines/, sorted by file. Throws one PipelineError listing the
 * problems of every invalid file, and duplicate names across files.
 */
export function loadPipelines(repoRoot: string, env?: EnvironmentConfig): PipelineSpec[] {
  // Compile results are kept under .build/ (git-ignored): `make synth` compiles in its check and again in the k8s app.
  setSqlCompileCache(path.join(repoRoot, '.build', 'sql-compile'));
  setHoconCache(path.join(repoRoot, '.build', 'hocon'));
  const problems: string[] = [];
  const specs: PipelineSpec[] = [];
  const owners = new Map<string, string>();
  const scan = scanPipelineFiles(repoRoot);
  problems.push(...scan.problems);
  for (const file of scan.files) {
    const read = readText(repoRoot, file);
    if (read.problem !== undefined) {
      problems.push(`${file}: file: ${read.problem}`);
      continue;
    }
    const result = checkPipeline(file, read.text, repoRoot, env);
    problems.push(...result.problems);
    if (result.spec === undefined) continue;
    const other = owners.get(result.spec.name);
    if (other !== undefined) {
      problems.push(
        `${file}: field name: ${show(result.spec.name)} is already the name of ${other}; pipeline names must be ` +
          'unique (each becomes a WorkflowTemplate); delete or rename one of the two files',
      );
      continue;
    }
    owners.set(result.spec.name, file);
    specs.push(result.spec);
  }
  if (problems.length > 0) throw new PipelineError(problems);
  return specs;
}
