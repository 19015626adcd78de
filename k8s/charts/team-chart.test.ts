import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { loadEnvironments, loadPipelines } from '../../config';

/**
 * The committed dist/ against the teams of config/environments/*.ts: each team's namespace, quota and limit range say
 * what its config says, and every pod a team's pipeline starts carries the cost-allocation labels. Expected values
 * are read from the environment files (what an operator writes), never from the chart under test.
 */

const REPO_ROOT = path.resolve(__dirname, '../..');

function read(file: string): Record<string, unknown> & {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
} {
  return parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as never;
}

const COST_LABELS = ['sql-etl-on-eks/team', 'sql-etl-on-eks/pipeline', 'sql-etl-on-eks/environment'];

describe.each(loadEnvironments())('teams of $name in dist/', (env) => {
  const dir = `dist/k8s/${env.name}`;

  test('the environment ships at least two teams', () => {
    expect(env.teams.length).toBeGreaterThanOrEqual(2);
  });

  test.each(env.teams.map((team) => [team.name, team] as const))(
    '%s: namespace under Pod Security restricted, quota and limit range as configured',
    (name, team) => {
      const chart = `${dir}/${env.name}-team-${name}`;
      const namespace = read(`${chart}/Namespace.team-${name}.yaml`);
      expect(namespace.metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'sql-etl-on-eks/team': name,
      });
      const quota = read(`${chart}/ResourceQuota.team-quota.yaml`);
      expect(quota.metadata.namespace).toBe(`team-${name}`);
      expect(quota.spec.hard).toEqual(
        expect.objectContaining({
          'requests.cpu': String(team.quota.cpu),
          'requests.memory': `${team.quota.memoryGiB}Gi`,
          pods: team.quota.pods,
          'count/sparkapplications.sparkoperator.k8s.io': team.quota.sparkApplications,
        }),
      );
      const limits = read(`${chart}/LimitRange.team-limits.yaml`);
      expect(limits.metadata.namespace).toBe(`team-${name}`);
      expect((limits.spec as { limits: unknown[] }).limits).toEqual([
        {
          type: 'Container',
          defaultRequest: { cpu: team.limits.defaultRequestCpu, memory: team.limits.defaultRequestMemory },
          default: { cpu: team.limits.defaultCpu, memory: team.limits.defaultMemory },
          max: { cpu: team.limits.maxCpu, memory: team.limits.maxMemory },
        },
      ]);
      const notebooks = read(`${chart}/ResourceQuota.team-${name}-notebooks.yaml`);
      expect(notebooks.spec.hard).toEqual({
        pods: team.quota.notebooks.servers,
        'requests.cpu': String(team.quota.notebooks.cpu),
        'requests.memory': `${team.quota.notebooks.memoryGiB}Gi`,
      });
    },
  );

  test("every pipeline's workflow pods and Spark pods carry team, pipeline and environment (and the job)", () => {
    const pipelines = loadPipelines(REPO_ROOT, env);
    expect(pipelines.length).toBeGreaterThan(0);
    for (const pipeline of pipelines) {
      const template = read(`${dir}/${env.name}-pipelines/WorkflowTemplate.${pipeline.name}.yaml`);
      expect(template.metadata.namespace).toBe(`team-${pipeline.owner}`);
      const spec = template.spec as {
        podMetadata: { labels: Record<string, string> };
        templates: { name: string; resource?: { manifest: string } }[];
      };
      expect(Object.keys(spec.podMetadata.labels)).toEqual(expect.arrayContaining(COST_LABELS));
      expect(spec.podMetadata.labels['sql-etl-on-eks/team']).toBe(pipeline.owner);
      const applications = spec.templates.filter((t) => t.resource !== undefined);
      expect(applications.length).toBeGreaterThanOrEqual(pipeline.jobs.length);
      for (const step of applications) {
        const app = parse(step.resource!.manifest) as {
          metadata: { namespace: string };
          spec: { driver: { labels: Record<string, string> }; executor: { labels: Record<string, string> } };
        };
        expect(app.metadata.namespace, step.name).toBe(`team-${pipeline.owner}`);
        for (const pod of [app.spec.driver, app.spec.executor]) {
          expect(pod.labels, `${pipeline.name}/${step.name}`).toMatchObject({
            'sql-etl-on-eks/team': pipeline.owner,
            'sql-etl-on-eks/pipeline': pipeline.name,
            'sql-etl-on-eks/environment': env.name,
          });
          expect(pod.labels['sql-etl-on-eks/job'], `${pipeline.name}/${step.name}`).toBe(
            step.name.replace(/^spark-/, ''),
          );
        }
      }
    }
  });
});
