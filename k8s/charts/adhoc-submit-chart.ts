import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Construct } from 'constructs';
import {
  ARC_IMAGE,
  NAMESPACES,
  imageContextDir,
  runtimeImage,
  type SizePreset,
  SIZE_PRESETS,
  SIZE_PRESET_NAMES,
} from '../../config';
import {
  WorkflowTemplate,
  type WorkflowTemplateSpecTemplates,
} from '../../imports/argo-workflow-template-argoproj.io';
import { EnvironmentChart, type EnvironmentChartProps } from '../constructs/environment-chart';
import { PER_RUN_VALUES, WORKFLOW_LABEL, buildSparkApplication } from '../constructs/spark-application';
import { ARC_JAR, ARC_MAIN_CLASS, RUNTIME_PROFILES } from '../constructs/spark-defaults';
import { ENTRYPOINT, sparkApplicationStep, workflowDefaults } from './pipelines-chart';

/** Props of {@link AdhocSubmitChart}. */
export interface AdhocSubmitChartProps extends EnvironmentChartProps {
  /** Repository root: the arc-runtime image tag is computed from etl/images/arc-runtime/. */
  readonly repoRoot: string;
}

/** Name of the shared WorkflowTemplate users submit from the Argo UI. */
export const ADHOC_TEMPLATE_NAME = 'spark-submit';

/**
 * The Arc environment an ad-hoc run uses unless the submitter names another (`--etl.config.environment`): Arc skips
 * every stage whose `environments` list lacks it. `production`, the environment every sample notebook's stages list
 * and the sample pipelines run under, so a sample submitted with the defaults runs its stages instead of none; the
 * kit's environment name (`dev`, `prod`) is listed by no sample.
 */
export const ADHOC_DEFAULT_ARC_ENVIRONMENT = 'production';

/** Label that marks ad-hoc runs (their SparkApplications and pods). */
const ADHOC_LABEL = 'sql-etl-on-eks/adhoc';

/** Name of the template that submits with one preset. */
export function presetTemplateName(size: SizePreset): string {
  return `submit-${size}`;
}

/** `{{workflow.parameters.<name>}}` */
function param(name: string): string {
  return `{{workflow.parameters.${name}}}`;
}

/** An Argo expression: the parameter's value, or `fallback` when it was left empty. */
function paramOr(name: string, fallback: string): string {
  return `{{=workflow.parameters.${name} == '' ? '${fallback}' : workflow.parameters.${name}}}`;
}

/** The resource template that runs an Arc job with one size preset; executor settings may be overridden. */
function presetTemplate(
  props: AdhocSubmitChartProps,
  size: SizePreset,
  image: string,
): WorkflowTemplateSpecTemplates {
  const resources = SIZE_PRESETS[size];
  const { cores, memory, minInstances, maxInstances } = resources.executor;
  const instances: Record<string, string> =
    minInstances === maxInstances
      ? { 'spark.executor.instances': paramOr('executorInstances', String(maxInstances)) }
      : { 'spark.dynamicAllocation.maxExecutors': paramOr('executorInstances', String(maxInstances)) };
  const manifest = buildSparkApplication({
    env: props.env,
    // Ad-hoc runs of the same job id may overlap: the workflow name keeps their applications apart.
    name: '{{workflow.name}}',
    labels: { [ADHOC_LABEL]: 'true', [WORKFLOW_LABEL]: '{{workflow.name}}' },
    profile: RUNTIME_PROFILES.arc,
    // Pinned at synth time (policy IMG-001): a run-time image parameter would let any image run as the job's role.
    image,
    mainApplicationFile: ARC_JAR,
    mainClass: ARC_MAIN_CLASS,
    arguments: [
      `--etl.config.uri=${param('configUri')}`,
      `--etl.config.job.id=${param('jobId')}`,
      `--etl.config.environment=${param('environment')}`,
      '--etl.config.ignoreEnvironments=false',
      `--etl.config.tags=service=sql-etl-on-eks adhoc=true workflow={{workflow.uid}} pod={{pod.name}} ` +
        `namespace=${NAMESPACES.sparkJobs} ${param('tags')}`,
      `--ETL_CONF_EPOCH=${PER_RUN_VALUES.EPOCH}`,
      `--ETL_CONF_CURRENT_TIMESTAMP=${PER_RUN_VALUES.CURRENT_TIMESTAMP}`,
    ],
    resources,
    sparkConf: { 'spark.executor.cores': paramOr('executorCores', String(cores)), ...instances },
    executorOverride: {
      cores: paramOr('executorCores', String(cores)),
      memory: paramOr('executorMemory', memory),
    },
  });
  return sparkApplicationStep({ name: presetTemplateName(size), manifest, retries: 2 });
}

/**
 * The shared `spark-submit` WorkflowTemplate: run any Arc job file from the Argo UI on the pinned arc-runtime image
 * with a size preset, optionally overriding executor count, cores and memory. Its entry DAG runs the one preset template `size` names; the presets
 * are separate templates because the SparkApplication's resource fields are typed (numbers) and cannot be filled
 * from a parameter.
 */
export class AdhocSubmitChart extends EnvironmentChart {
  constructor(scope: Construct, props: AdhocSubmitChartProps) {
    super(scope, 'adhoc-submit', props);
    if (!fs.existsSync(path.join(props.repoRoot, imageContextDir('arc-runtime')))) {
      throw new Error(
        `the ${ADHOC_TEMPLATE_NAME} template runs Arc jobs on the kit's arc-runtime image (built from ` +
          `${ARC_IMAGE.image}), but ${imageContextDir('arc-runtime')}/ is missing; add its Dockerfile there`,
      );
    }
    const image = runtimeImage(props.env, 'arc-runtime', props.repoRoot);
    const labels = { [ADHOC_LABEL]: 'true' };
    new WorkflowTemplate(this, ADHOC_TEMPLATE_NAME, {
      metadata: {
        name: ADHOC_TEMPLATE_NAME,
        namespace: NAMESPACES.sparkJobs,
        labels,
        annotations: {
          'workflows.argoproj.io/description':
            'Run an Arc job file (notebook or job JSON) with a size preset',
        },
      },
      spec: {
        ...workflowDefaults(labels),
        entrypoint: ENTRYPOINT,
        arguments: {
          parameters: [
            { name: 'jobId', description: 'Arc job id (--etl.config.job.id), shown in logs' },
            { name: 'configUri', description: 'URI of the Arc job file, e.g. s3a://<assets bucket>/jobs/…' },
            {
              name: 'size',
              value: 'small',
              enum: [...SIZE_PRESET_NAMES],
              description: 'Resource preset: small, medium, large or local',
            },
            { name: 'executorInstances', value: '', description: 'Maximum executors; empty: the preset' },
            { name: 'executorCores', value: '', description: 'Cores per executor; empty: the preset' },
            {
              name: 'executorMemory',
              value: '',
              description: 'Memory per executor (e.g. 8g); empty: the preset',
            },
            { name: 'tags', value: '', description: 'Extra Arc tags, space-separated key=value' },
            {
              name: 'environment',
              value: ADHOC_DEFAULT_ARC_ENVIRONMENT,
              description: 'Arc --etl.config.environment: stages not listed for it are skipped',
            },
          ],
        },
        templates: [
          {
            name: ENTRYPOINT,
            dag: {
              tasks: SIZE_PRESET_NAMES.map((size) => ({
                name: size,
                template: presetTemplateName(size),
                when: `'${param('size')}' == '${size}'`,
              })),
            },
          },
          ...SIZE_PRESET_NAMES.map((size) => presetTemplate(props, size, image)),
        ],
      },
    });
  }
}
