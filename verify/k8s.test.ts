import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { dependsNames } from './argo-references';
import { checkName } from './k8s';
import { verifyDist } from './run';
import { makeDist, matching, namespace, sparkApplication, terraformFiles } from './testing';
import { embeddedManifestsOf } from './dist';

const DIR = 'k8s/dev/dev-pipelines';

function problemsOf(
  files: Record<string, string | object>,
): { file: string; object: string; message: string }[] {
  return [...verifyDist(makeDist({ ...terraformFiles(), ...files })).problems];
}

/** A WorkflowTemplate whose one DAG task creates `manifest` with an Argo resource template. */
function workflowTemplate(
  name: string,
  manifest: object | string,
  extra: Record<string, unknown> = {},
): object {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name, namespace: 'argo' },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: [{ name: 'load', template: 'run-spark' }] } },
        {
          name: 'run-spark',
          resource: {
            action: 'create',
            setOwnerReference: true,
            successCondition: 'status.applicationState.state == COMPLETED',
            failureCondition: 'status.applicationState.state == FAILED',
            manifest: typeof manifest === 'string' ? manifest : stringify(manifest),
          },
        },
      ],
      ...extra,
    },
  };
}

describe('schema validation of dist/k8s', () => {
  test('reports an invalid SparkApplication with its file and object', () => {
    const problems = problemsOf({
      [`${DIR}/SparkApplication.etl.yaml`]: sparkApplication('etl', { type: 'Cobol' }),
    });
    expect(problems).toEqual([
      {
        file: `dist/${DIR}/SparkApplication.etl.yaml`,
        object: 'SparkApplication/etl',
        message: 'spec.type: must be one of "Java", "Python", "Scala", "R" (got string "Cobol")',
      },
    ]);
  });

  test('reports an invalid core object', () => {
    const account = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'sa' },
      automountServiceAccountToken: 'yes',
    };
    expect(problemsOf({ [`${DIR}/ServiceAccount.sa.yaml`]: account })).toEqual([
      {
        file: `dist/${DIR}/ServiceAccount.sa.yaml`,
        object: 'ServiceAccount/sa',
        message: 'automountServiceAccountToken: must be boolean (got string "yes")',
      },
    ]);
  });

  test('reports an unknown kind', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(problemsOf({ [`${DIR}/Widget.w.yaml`]: widget })).toEqual([
      expect.objectContaining({
        object: 'Widget/w',
        message: matching(/^no schema for example\.com\/v1\/Widget/),
      }),
    ]);
  });

  test('validates every document of a multi-document file and ignores other files', () => {
    const problems = problemsOf({
      [`${DIR}/bundle.yaml`]: [
        namespace('a'),
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 42 } },
      ],
      'k8s/dev/README.md': '# not a manifest: {{',
    });
    expect(problems.map((p) => p.message)).toEqual([matching(/^metadata\.name: must be string/)]);
  });

  test('reports YAML syntax errors and documents that are not mappings', () => {
    const problems = problemsOf({
      [`${DIR}/broken.yaml`]: 'kind: [unclosed\n',
      [`${DIR}/list.yml`]: '- a\n- b\n',
    });
    expect(problems).toEqual([
      expect.objectContaining({
        file: `dist/${DIR}/broken.yaml`,
        object: '(document 1)',
        message: matching(/^YAML syntax error/),
      }),
      expect.objectContaining({ file: `dist/${DIR}/list.yml`, message: 'document is a list, not a mapping' }),
    ]);
  });

  test('skips empty documents', () => {
    expect(problemsOf({ [`${DIR}/ns.yaml`]: `---\n${stringify(namespace('a'))}---\n` })).toEqual([]);
  });
});

describe('Argo resource templates', () => {
  test('validates the embedded SparkApplication', () => {
    const template = workflowTemplate('daily', sparkApplication('run', { mode: 42 }));
    expect(problemsOf({ [`${DIR}/WorkflowTemplate.daily.yaml`]: template })).toEqual([
      {
        file: `dist/${DIR}/WorkflowTemplate.daily.yaml`,
        object: 'WorkflowTemplate/daily templates[1].resource.manifest (SparkApplication)',
        message: 'spec.mode: must be string (got number 42)',
      },
    ]);
  });

  test('accepts a valid embedded manifest with a generated name and expressions in strings', () => {
    const app = sparkApplication('unused', { arguments: ['--etl.config.job.id={{workflow.name}}'] });
    app.metadata = { generateName: 'daily-', namespace: 'spark-jobs' };
    expect(problemsOf({ [`${DIR}/WorkflowTemplate.daily.yaml`]: workflowTemplate('daily', app) })).toEqual(
      [],
    );
  });

  test('finds the templates of a CronWorkflow under workflowSpec', () => {
    const cron = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'CronWorkflow',
      metadata: { name: 'nightly' },
      spec: {
        schedules: ['0 2 * * *'],
        workflowSpec: { templates: [{ name: 'a', resource: { action: 'create', manifest: 'kind: [' } }] },
      },
    };
    expect(embeddedManifestsOf(cron)).toEqual([
      { where: 'workflowSpec.templates[0].resource.manifest', manifest: 'kind: [' },
    ]);
    expect(problemsOf({ [`${DIR}/CronWorkflow.nightly.yaml`]: cron })).toEqual([
      expect.objectContaining({
        object: 'CronWorkflow/nightly workflowSpec.templates[0].resource.manifest',
        message: matching(/^YAML syntax error/),
      }),
    ]);
  });
});

describe('names and labels', () => {
  test('reports a hash-suffixed name', () => {
    expect(problemsOf({ [`${DIR}/ns.yaml`]: namespace('spark-jobs-c8a1b2c3d4') })).toEqual([
      expect.objectContaining({
        object: 'Namespace/spark-jobs-c8a1b2c3d4',
        message: matching(/^hash-suffixed name/),
      }),
    ]);
  });

  test('reports a missing name', () => {
    expect(problemsOf({ [`${DIR}/ns.yaml`]: { apiVersion: 'v1', kind: 'Namespace', metadata: {} } })).toEqual(
      [
        expect.objectContaining({
          object: 'Namespace/(no name)',
          message: matching(/^metadata\.name is missing/),
        }),
      ],
    );
  });

  test('applies the name rules of each kind', () => {
    expect(checkName('Namespace', 'spark.jobs')).toEqual([matching(/must be a DNS label/)]);
    expect(checkName('ConfigMap', 'spark.jobs')).toEqual([]);
    expect(checkName('ConfigMap', 'Spark_Jobs')).toEqual([matching(/DNS subdomain/)]);
    expect(checkName('ClusterRole', 'system:spark')).toEqual([]);
    expect(checkName('CronWorkflow', 'x'.repeat(53))).toEqual([matching(/longer than 52/)]);
  });

  test('reports invalid label values', () => {
    const ns = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'a', labels: { version: '1.0+build' } },
    };
    expect(problemsOf({ [`${DIR}/ns.yaml`]: ns })).toEqual([
      expect.objectContaining({
        message: matching(/^metadata\.labels\.version: invalid label value/),
      }),
    ]);
  });
});

describe('environment-wide checks', () => {
  test('reports an object defined twice in one environment, not across environments', () => {
    const problems = problemsOf({
      'k8s/dev/a/Namespace.x.yaml': namespace('x'),
      'k8s/dev/b/Namespace.x.yaml': namespace('x'),
      'k8s/prod/a/Namespace.x.yaml': namespace('x'),
    });
    expect(problems).toEqual([
      {
        file: 'dist/k8s/dev/b/Namespace.x.yaml',
        object: 'Namespace/x',
        message: matching(/^duplicate object: dist\/k8s\/dev\/a\//),
      },
    ]);
  });

  test('reports unresolved tokens and the repository path in manifests', () => {
    const ns = namespace('a');
    (ns.metadata as Record<string, unknown>).annotations = {
      arn: '${TfToken[TOKEN.7]}',
      src: `${__dirname}/x.ts`,
    };
    const messages = problemsOf({ [`${DIR}/ns.yaml`]: ns }).map((p) => p.message);
    expect(messages).toEqual([
      matching(/^metadata\.annotations\.arn: holds the unresolved token \$\{TfToken\[TOKEN\.7\]\}/),
      matching(/^metadata\.annotations\.src: holds the absolute local path/),
    ]);
  });

  test('reports Argo references that do not resolve', () => {
    const template = workflowTemplate('daily', sparkApplication('run'), { entrypoint: 'mian' });
    const cron = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'CronWorkflow',
      metadata: { name: 'nightly', namespace: 'argo' },
      spec: { schedules: ['0 2 * * *'], workflowSpec: { workflowTemplateRef: { name: 'dayly' } } },
    };
    const messages = problemsOf({
      [`${DIR}/WorkflowTemplate.daily.yaml`]: template,
      [`${DIR}/CronWorkflow.nightly.yaml`]: cron,
    }).map((p) => `${p.object}: ${p.message}`);
    expect(messages).toEqual([
      'CronWorkflow/nightly: spec.workflowSpec.workflowTemplateRef.name: WorkflowTemplate "dayly" is not defined in this environment; WorkflowTemplates: daily',
      'WorkflowTemplate/daily: spec.entrypoint: "mian" is not a template of this WorkflowTemplate; defined templates: main, run-spark',
    ]);
  });

  test('reads task names from depends expressions', () => {
    expect(dependsNames('(extract.Succeeded || extract.Skipped) && !load')).toEqual(['extract', 'load']);
  });
});
