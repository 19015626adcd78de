import { App } from 'cdk8s';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { NAMESPACES, loadPipelines } from '../../config';
import { addEnvironmentCharts } from '../app';
import { DEV, PROD, pick, synthChart, testApp, type Manifest } from '../testing';
import {
  ArgoCdChart,
  clusterResourceWhitelist,
  IN_CLUSTER_SERVER,
  NAMESPACE_RESOURCE_WHITELIST,
} from './argocd-chart';

const REPO_ROOT = path.resolve(__dirname, '../..');

/** Every manifest the environment's other charts synthesize (what the root Application syncs). */
function synced(env: typeof DEV): Manifest[] {
  const app = new App();
  addEnvironmentCharts(app, { env, pipelines: loadPipelines(REPO_ROOT, env), repoRoot: REPO_ROOT });
  return app.charts
    .filter((chart) => chart.node.id !== `${env.name}-argocd`)
    .flatMap((chart) => chart.toJson() as Manifest[]);
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

describe('ArgoCdChart', () => {
  const manifests = synthChart(new ArgoCdChart(testApp(), { env: DEV }));
  const project = pick(manifests, 'AppProject', 'sqletl-dev');
  const application = pick(manifests, 'Application', 'sqletl-dev');

  test('an AppProject and the root Application, both in the argocd namespace', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`).sort()).toEqual([
      'AppProject/argocd/sqletl-dev',
      'Application/argocd/sqletl-dev',
    ]);
  });

  test('the project allows this repository only, and exactly the platform and team namespaces of this cluster', () => {
    expect(project.spec).toMatchObject({
      sourceRepos: ['https://github.com/example-org/sql-etl-on-eks.git'],
    });
    const destinations = (project.spec as { destinations: { server: string; namespace: string }[] })
      .destinations;
    expect(destinations.map((d) => d.namespace).sort()).toEqual(
      [...Object.values(NAMESPACES), 'team-analytics', 'team-data-platform'].sort(),
    );
    expect(new Set(destinations.map((d) => d.server))).toEqual(new Set([IN_CLUSTER_SERVER]));
    expect(JSON.stringify(project.spec)).not.toContain('*');
  });

  test('whitelists exactly the cluster-scoped objects (by name) and namespaced kinds the environment renders', () => {
    for (const env of [DEV, PROD]) {
      const objects = synced(env);
      const clusterScoped = objects.filter((m) => m.metadata.namespace === undefined);
      expect(
        clusterScoped.map((m) => `${groupOf(m.apiVersion)}/${m.kind}/${m.metadata.name}`).sort(),
      ).toEqual(
        clusterResourceWhitelist(env)
          .map((w) => `${w.group}/${w.kind}/${w.name}`)
          .sort(),
      );
      const kinds = new Set(
        objects
          .filter((m) => m.metadata.namespace !== undefined)
          .map((m) => `${groupOf(m.apiVersion)}/${m.kind}`),
      );
      expect([...kinds].sort()).toEqual(
        NAMESPACE_RESOURCE_WHITELIST.map((w) => `${w.group}/${w.kind}`).sort(),
      );
      // …and every namespaced object lands in a namespace the project allows.
      for (const m of objects.filter((o) => o.metadata.namespace !== undefined)) {
        expect([...Object.values(NAMESPACES), ...env.teams.map((t) => `team-${t.name}`)]).toContain(
          m.metadata.namespace,
        );
      }
    }
    expect(project.spec).toMatchObject({
      clusterResourceWhitelist: clusterResourceWhitelist(DEV),
      namespaceResourceWhitelist: NAMESPACE_RESOURCE_WHITELIST,
    });
  });

  test('the Application syncs dist/k8s/<env> at the configured revision, recursively, into this cluster', () => {
    expect(application.spec).toMatchObject({
      project: 'sqletl-dev',
      source: {
        repoURL: 'https://github.com/example-org/sql-etl-on-eks.git',
        targetRevision: 'main',
        path: 'dist/k8s/dev',
        directory: { recurse: true },
      },
      destination: { server: IN_CLUSTER_SERVER, namespace: NAMESPACES.sparkJobs },
    });
    const custom = {
      ...PROD,
      gitops: { repoUrl: 'https://git.example.com/data/etl.git', revision: 'v1.2.0' },
    };
    expect(
      pick(synthChart(new ArgoCdChart(testApp(), { env: custom })), 'Application', 'sqletl-prod').spec,
    ).toMatchObject({
      source: {
        repoURL: 'https://git.example.com/data/etl.git',
        targetRevision: 'v1.2.0',
        path: 'dist/k8s/prod',
      },
    });
  });

  test('the Application excludes its own folder and the README, so Argo CD never manages itself', () => {
    const chart = new ArgoCdChart(testApp(), { env: DEV });
    expect(chart.node.id).toBe('dev-argocd');
    expect(application.spec).toMatchObject({
      source: { directory: { exclude: '{README.md,dev-argocd/*}' } },
    });
  });

  test('syncs automatically with prune, self-heal, server-side apply, prune last and retries with backoff', () => {
    expect(application.spec).toMatchObject({
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
      },
    });
    expect(application.metadata).toMatchObject({ finalizers: ['resources-finalizer.argocd.argoproj.io'] });
  });

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });
});
