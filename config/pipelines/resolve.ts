/**
 * The resolve step of the pipeline loader: a checked {@link PipelineDocument} → the {@link PipelineSpec} k8s/ sees,
 * with every default applied once (size → resources, Arc environment, timeout in seconds) and `asset:` parameters
 * turned into S3 URIs.
 */
import * as path from 'node:path';
import { assetOf, assetUri } from '../assets';
import type { EnvironmentConfig } from '../environment';
import { environmentSources } from '../environments';
import type { LineageEnvironment } from './lineage';
import type { DataTest, JobLineage, JobSpec, PipelineSpec, Schedule } from './model';
import { DEFAULT_SIZE, SIZE_PRESETS } from './presets';
import { parseTimeout, type JobDocument, type PipelineDocument } from './schema';

/** Prefix of a parameter value that names an uploaded file: `asset:<path under etl/>`. */
export const ASSET_PREFIX = 'asset:';

/** `asset:` values → the S3 URI of the uploaded file in `env`; without an environment, the values as written. */
export function resolveParameters(
  repoRoot: string,
  parameters: Readonly<Record<string, string>>,
  env: LineageEnvironment | undefined,
): Record<string, string> {
  if (env === undefined) return { ...parameters };
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => [
      name,
      value.startsWith(ASSET_PREFIX)
        ? assetUri(env, assetOf(repoRoot, `etl/${value.slice(ASSET_PREFIX.length)}`))
        : value,
    ]),
  );
}

/** A checked job with its defaults resolved: files, size and resources, Arc environment, parameters, timeout. */
function toJobSpec(
  repoRoot: string,
  doc: PipelineDocument,
  job: JobDocument,
  env: EnvironmentConfig | undefined,
  lineage: JobLineage,
  tests: readonly DataTest[],
): JobSpec {
  const size = job.resources !== undefined ? 'custom' : (job.size ?? DEFAULT_SIZE);
  const arcEnvironment = job.runtime === 'arc' ? (job.environment ?? env?.name) : undefined;
  return {
    id: job.id,
    runtime: job.runtime,
    files: job.files ?? [job.file!],
    size,
    resources: job.resources ?? SIZE_PRESETS[size === 'custom' ? DEFAULT_SIZE : size],
    sparkConf: job.sparkConf,
    ...(arcEnvironment === undefined ? {} : { arcEnvironment }),
    parameters: resolveParameters(repoRoot, { ...doc.parameters, ...job.parameters }, env),
    retries: job.retries,
    timeoutSeconds: parseTimeout(job.timeout)!,
    dependsOn: job.dependsOn,
    lineage,
    ...(tests.length === 0 ? {} : { tests }),
  };
}

/**
 * The Arc environments an arc job runs in, which every stage must list: its `environment:`, else the environment's
 * name; validating without an environment, each shipped environment's name (the job runs under each).
 */
export function arcEnvironments(
  job: JobDocument,
  env: EnvironmentConfig | undefined,
): { environments: string[]; environmentReason: string } {
  if (job.environment !== undefined) {
    return {
      environments: [job.environment],
      environmentReason: `job '${job.id}' sets environment: ${job.environment}`,
    };
  }
  const names =
    env !== undefined ? [env.name] : environmentSources.map((s) => path.posix.basename(s.file, '.ts'));
  return {
    environments: names,
    environmentReason: `job '${job.id}' sets no environment:, so it runs under the environment's name (${names.join(', ')})`,
  };
}

/** The spec of a checked pipeline of `file`, given each job's lineage and data tests (by job index). */
export function resolvePipeline(
  file: string,
  repoRoot: string,
  pipeline: PipelineDocument,
  env: EnvironmentConfig | undefined,
  lineages: ReadonlyMap<number, JobLineage>,
  tests: ReadonlyMap<number, readonly DataTest[]>,
): PipelineSpec {
  const schedule: Schedule | undefined = pipeline.schedule;
  return {
    file,
    name: pipeline.name,
    description: pipeline.description,
    owner: pipeline.owner,
    tags: pipeline.tags,
    ...(schedule === undefined ? {} : { schedule }),
    concurrencyPolicy: pipeline.concurrencyPolicy,
    parameters: resolveParameters(repoRoot, pipeline.parameters, env),
    jobs: pipeline.jobs.map((job, i) =>
      toJobSpec(repoRoot, pipeline, job, env, lineages.get(i)!, tests.get(i) ?? []),
    ),
  };
}
