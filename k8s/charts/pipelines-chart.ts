import type { Construct } from 'constructs';
import {
  ARGO_USER_ID,
  TEAM_LABEL_KEY,
  WORKFLOW_RETENTION,
  WORKLOADS,
  restrictedPodSecurityContext,
  teamNamespace,
  teamOf,
  gateStepId,
  testsStepId,
  type JobSpec,
  type PipelineSpec,
} from '../../config';
import {
  CronWorkflow,
  CronWorkflowSpecConcurrencyPolicy,
} from '../../imports/argo-cron-workflow-argoproj.io';
import {
  WorkflowTemplate,
  WorkflowTemplateSpecPodGcStrategy,
  WorkflowTemplateSpecTemplatesActiveDeadlineSeconds,
  WorkflowTemplateSpecTemplatesResourceAction,
  WorkflowTemplateSpecTemplatesRetryStrategyBackoffFactor,
  WorkflowTemplateSpecTemplatesRetryStrategyLimit,
  WorkflowTemplateSpecTemplatesRetryStrategyRetryPolicy,
  type WorkflowTemplateSpec,
  type WorkflowTemplateSpecTemplates,
} from '../../imports/argo-workflow-template-argoproj.io';
import { embeddedYaml } from '../constructs/embedded-yaml';
import {
  ENVIRONMENT_LABEL,
  EnvironmentChart,
  type EnvironmentChartProps,
} from '../constructs/environment-chart';
import { JOB_LABEL, PIPELINE_LABEL, sparkApplicationManifest } from '../constructs/spark-application';
import { DRIVER_POOL, poolPlacement } from '../constructs/spark-defaults';

/** Props of {@link PipelinesChart}. */
export interface PipelinesChartProps extends EnvironmentChartProps {
  /** The validated pipelines (etl/pipelines/*.yaml). */
  readonly pipelines: readonly PipelineSpec[];
  /** Repository root: job files and image contexts are read from here (content-addressed URIs and image tags). */
  readonly repoRoot: string;
}

/** The DAG template every pipeline starts at. */
export const ENTRYPOINT = 'main';

/** Argo's condition on the SparkApplication status that ends a job successfully. */
export const SUCCESS_CONDITION = 'status.applicationState.state == COMPLETED';
/**
 * …and unsuccessfully: only `FAILED`, the operator's final state once its own retries (restart policy
 * `onFailureRetries`, `onSubmissionFailureRetries`) are exhausted. `SUBMISSION_FAILED` is transient (the operator
 * resubmits, then moves to `FAILED`), and so is `UNKNOWN` (the driver pod's state could not be read, e.g. its node
 * went away); failing on them would end runs the operator was about to recover.
 */
export const FAILURE_CONDITION = 'status.applicationState.state == FAILED';

/** Scheduled runs kept in the CronWorkflow's history. */
export const SUCCESSFUL_RUNS_HISTORY = 3;
/** Failed scheduled runs kept in the CronWorkflow's history. */
export const FAILED_RUNS_HISTORY = 5;

/** Name of the template that runs one job. */
export function jobTemplateName(job: Pick<JobSpec, 'id'>): string {
  return `spark-${job.id}`;
}

/** What {@link sparkApplicationStep} needs: the template name, the application, retries and an optional deadline. */
export interface SparkApplicationStep {
  readonly name: string;
  /** The SparkApplication object; embedded as YAML. */
  readonly manifest: object;
  readonly retries: number;
  /** @default - no deadline beyond the workflow's */
  readonly timeoutSeconds?: number;
}

/**
 * An Argo resource template that creates a SparkApplication and waits for its final state. Shared by the pipelines
 * and the ad-hoc template so both retry and clean up the same way.
 */
export function sparkApplicationStep(step: SparkApplicationStep): WorkflowTemplateSpecTemplates {
  return {
    name: step.name,
    resource: {
      // Apply, not create: an Argo retry of this step (its pod lost with its node, an API error) re-applies the same
      // application, which exists already, and waits for it again instead of failing on AlreadyExists or starting a
      // second copy of a job that is still running.
      action: WorkflowTemplateSpecTemplatesResourceAction.APPLY,
      // Deleting the workflow (its TTL) deletes the application and its pods.
      setOwnerReference: true,
      successCondition: SUCCESS_CONDITION,
      failureCondition: FAILURE_CONDITION,
      manifest: embeddedYaml(step.manifest),
    },
    // Argo retries errors of the step itself (API or node trouble); a failed Spark job was already retried by the
    // operator's restart policy and fails the run.
    retryStrategy: {
      limit: WorkflowTemplateSpecTemplatesRetryStrategyLimit.fromNumber(step.retries),
      retryPolicy: WorkflowTemplateSpecTemplatesRetryStrategyRetryPolicy.ON_ERROR,
      backoff: {
        duration: '1m',
        factor: WorkflowTemplateSpecTemplatesRetryStrategyBackoffFactor.fromNumber(2),
        maxDuration: '30m',
      },
    },
    ...(step.timeoutSeconds === undefined
      ? {}
      : {
          activeDeadlineSeconds: WorkflowTemplateSpecTemplatesActiveDeadlineSeconds.fromNumber(
            step.timeoutSeconds,
          ),
        }),
  };
}

/** The resource template of one job: create the SparkApplication, wait for its final state. */
function jobTemplate(
  props: PipelinesChartProps,
  pipeline: PipelineSpec,
  job: JobSpec,
): WorkflowTemplateSpecTemplates {
  return {
    ...sparkApplicationStep({
      name: jobTemplateName(job),
      manifest: sparkApplicationManifest(props.env, pipeline, job, props.repoRoot),
      retries: job.retries,
      timeoutSeconds: job.timeoutSeconds,
    }),
    // The step's pod carries the job too (with the workflow's pod labels: team, pipeline, environment).
    metadata: { labels: { [JOB_LABEL]: job.id } },
  };
}

/**
 * The template of a job's data tests: a SparkApplication of the SQL runner that runs every test and ends FAILED when
 * one finds failing rows, which fails this step and the run. Retried, like the job, only on infrastructure errors.
 */
function testsTemplate(
  props: PipelinesChartProps,
  pipeline: PipelineSpec,
  job: JobSpec,
): WorkflowTemplateSpecTemplates {
  return {
    ...sparkApplicationStep({
      name: jobTemplateName({ id: testsStepId(job) }),
      manifest: sparkApplicationManifest(props.env, pipeline, job, props.repoRoot, 'tests'),
      retries: job.retries,
      timeoutSeconds: job.timeoutSeconds,
    }),
    metadata: { labels: { [JOB_LABEL]: testsStepId(job) } },
  };
}

function hasTests(job: JobSpec): boolean {
  return (job.tests ?? []).length > 0;
}

/**
 * The DAG's tasks: each job, and after a job with data tests its tests step, which its dependents wait for: a job
 * never reads what a failing test rejected.
 */
export function dagTasks(
  pipeline: PipelineSpec,
): { name: string; template: string; dependencies?: string[] }[] {
  const gate = new Map(pipeline.jobs.map((job) => [job.id, gateStepId(job)]));
  return pipeline.jobs.flatMap((job) => [
    {
      name: job.id,
      template: jobTemplateName(job),
      ...(job.dependsOn.length > 0 ? { dependencies: job.dependsOn.map((id) => gate.get(id) ?? id) } : {}),
    },
    ...(hasTests(job)
      ? [
          {
            name: testsStepId(job),
            template: jobTemplateName({ id: testsStepId(job) }),
            dependencies: [job.id],
          },
        ]
      : []),
  ]);
}

/**
 * The workflow spec shared by the pipelines' WorkflowTemplates and the ad-hoc template: service account, pod security
 * context and placement of Argo's pods, TTL and pod GC. The argoexec container's own security context and resources
 * come from the controller's `executor` configuration (Helm values): a resource template has no container field, and
 * podSpecPatch is ruled out by policy ARGO-004.
 */
export function workflowDefaults(
  labels: Record<string, string>,
  team?: string,
  podLabels: Record<string, string> = {},
): WorkflowTemplateSpec {
  // Argo's pods wait on the Spark driver for the whole run: on-demand driver nodes (the team's), never spot.
  const placement = poolPlacement(DRIVER_POOL, undefined, team);
  return {
    serviceAccountName: WORKLOADS.argoWorkflow.serviceAccount,
    ttlStrategy: {
      secondsAfterSuccess: WORKFLOW_RETENTION.afterSuccessSeconds,
      secondsAfterFailure: WORKFLOW_RETENTION.afterFailureSeconds,
    },
    podGc: { strategy: WorkflowTemplateSpecPodGcStrategy.ON_POD_SUCCESS },
    workflowMetadata: { labels },
    // The same labels on the workflow's own pods: cost allocation groups them with the team's Spark pods.
    ...(team === undefined ? {} : { podMetadata: { labels: { ...labels, ...podLabels } } }),
    securityContext: restrictedPodSecurityContext({
      runAsUser: ARGO_USER_ID,
      runAsGroup: ARGO_USER_ID,
      fsGroup: ARGO_USER_ID,
    }),
    nodeSelector: placement.nodeSelector,
    tolerations: placement.tolerations,
  };
}

const CONCURRENCY: Readonly<Record<PipelineSpec['concurrencyPolicy'], CronWorkflowSpecConcurrencyPolicy>> = {
  Allow: CronWorkflowSpecConcurrencyPolicy.ALLOW,
  Forbid: CronWorkflowSpecConcurrencyPolicy.FORBID,
  Replace: CronWorkflowSpecConcurrencyPolicy.REPLACE,
};

/**
 * One Argo WorkflowTemplate per pipeline (a DAG with one SparkApplication per job, dependencies from `dependsOn`)
 * and a CronWorkflow for each pipeline with a schedule.
 */
export class PipelinesChart extends EnvironmentChart {
  constructor(scope: Construct, props: PipelinesChartProps) {
    super(scope, 'pipelines', props);
    for (const pipeline of props.pipelines) {
      // Each pipeline lands in its owning team's namespace (the loader has checked the owner is a team).
      const team = teamOf(props.env, pipeline.owner);
      const namespace = teamNamespace(team);
      const labels = { [PIPELINE_LABEL]: pipeline.name, [TEAM_LABEL_KEY]: team.name };
      const annotations = { 'workflows.argoproj.io/description': pipeline.description };
      new WorkflowTemplate(this, `${pipeline.name}-template`, {
        metadata: { name: pipeline.name, namespace, labels, annotations },
        spec: {
          ...workflowDefaults(labels, team.name, { [ENVIRONMENT_LABEL]: props.env.name }),
          entrypoint: ENTRYPOINT,
          templates: [
            {
              name: ENTRYPOINT,
              dag: { tasks: dagTasks(pipeline) },
            },
            ...pipeline.jobs.flatMap((job) => [
              jobTemplate(props, pipeline, job),
              ...(hasTests(job) ? [testsTemplate(props, pipeline, job)] : []),
            ]),
          ],
        },
      });
      if (pipeline.schedule !== undefined) {
        new CronWorkflow(this, `${pipeline.name}-cron`, {
          metadata: { name: pipeline.name, namespace, labels, annotations },
          spec: {
            schedules: [pipeline.schedule.cron],
            timezone: pipeline.schedule.timezone,
            startingDeadlineSeconds: pipeline.schedule.startingDeadlineSeconds,
            concurrencyPolicy: CONCURRENCY[pipeline.concurrencyPolicy],
            successfulJobsHistoryLimit: SUCCESSFUL_RUNS_HISTORY,
            failedJobsHistoryLimit: FAILED_RUNS_HISTORY,
            workflowMetadata: { labels },
            workflowSpec: { workflowTemplateRef: { name: pipeline.name } },
          },
        });
      }
    }
  }
}
