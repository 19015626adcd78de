/**
 * Limits of the cluster objects a pipeline becomes, checked by the loader (config/pipelines/check.ts) so that a pipeline
 * that would fail deep in the k8s synthesizer fails at load with the file, the field and the budget; k8s/ reads the
 * same constants.
 */

/**
 * The longest suffix Argo appends to a workflow's name: a CronWorkflow names its runs `<name>-<unix seconds>`
 * (11 characters); `argo submit --from workflowtemplate/…` appends `-` and 5 random characters.
 */
export const WORKFLOW_NAME_SUFFIX_LENGTH = 11;

/** Longest Kubernetes label value, which the Spark operator's pod labels carry the SparkApplication name in. */
export const MAX_SPARK_APPLICATION_NAME = 63;

/**
 * Spark settings the kit derives from a job's `size:` or `resources:` (they become the pods' requests and limits), so
 * a job's `sparkConf` must not set them.
 */
export const RESOURCE_SPARK_KEYS = [
  'spark.driver.cores',
  'spark.driver.memory',
  'spark.executor.cores',
  'spark.executor.memory',
] as const;

/** Characters a job id may have in a pipeline named `pipelineName`: `<workflow name + run suffix>-<job id>` ≤ 63. */
export function jobIdBudget(pipelineName: string): number {
  return MAX_SPARK_APPLICATION_NAME - pipelineName.length - WORKFLOW_NAME_SUFFIX_LENGTH - 1;
}

/** Suffix of the step (Argo task and SparkApplication) that runs a job's data tests: `<job id>-tests`. */
export const TESTS_STEP_SUFFIX = '-tests';
