/**
 * `make helm-template`: renders every `helm_release` of dist/terraform with the pinned Helm (built by `make engines`)
 * against the released chart in the upstream cache (`make cache`), with the release's name, namespace and values, the
 * way the Terraform Helm provider installs it (chart CRDs included unless `skip_crds`, no test hooks). Each rendered
 * object is validated by verify's SchemaRegistry (the schemas `make verify` uses for dist/k8s). Writes
 * `.build/helm/<env>/<release>/manifest.yaml` and `.build/helm/index.json` (read by `make dry-run` and `make scan`),
 * prints per release the kinds and counts it creates, and exits 1 on any render error or schema problem.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIST_PATHS, stackName } from '../config';
import { requireChartDir, SchemaRegistry, objectLabel, parseYamlObjects } from '../verify';
import { loadHelmReleases } from './helm-releases';
import { engineBinary, REPO } from './paths';

/** Where the rendered output goes (git-ignored). */
export const HELM_OUT = path.join(REPO, '.build', 'helm');

/** One rendered release, as `.build/helm/index.json` lists it. */
export interface RenderedRelease {
  readonly env: string;
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly version: string;
  /** Where the release is declared (`dist/terraform/stacks/<stack>/cdk.tf.json helm_release.<key>`). */
  readonly source: string;
  /** The rendered manifest, relative to the repository. */
  readonly manifest: string;
  /** Objects per kind. */
  readonly kinds: Readonly<Record<string, number>>;
}

/** The EKS version of an environment's cluster stack, as dist/ declares it (`aws_eks_cluster.*.version`). */
function clusterVersion(distDir: string, env: string): string {
  const file = path.join(distDir, DIST_PATHS.terraformStack(stackName({ name: env }, 'cluster')));
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    resource?: { aws_eks_cluster?: Record<string, { version?: unknown }> };
  };
  const versions = Object.values(json.resource?.aws_eks_cluster ?? {}).map((c) => c.version);
  if (versions.length !== 1 || typeof versions[0] !== 'string' || !/^\d+\.\d+$/.test(versions[0])) {
    throw new Error(`${file}: expected one aws_eks_cluster with a literal version like "1.35"`);
  }
  return versions[0];
}

/** Helm installs the items of a `v1` List one by one; so are they counted and checked. */
export function expandLists(objects: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return objects.flatMap((object) =>
    object.apiVersion === 'v1' && object.kind === 'List' && Array.isArray(object.items)
      ? expandLists(object.items as Record<string, unknown>[])
      : [object],
  );
}

function isCrd(object: Record<string, unknown>): boolean {
  return (
    object.kind === 'CustomResourceDefinition' &&
    String(object.apiVersion).startsWith('apiextensions.k8s.io/')
  );
}

function crdKey(crd: Record<string, unknown>): string {
  const spec = crd.spec as { group?: string; names?: { kind?: string } };
  return `${spec.group ?? ''}/${spec.names?.kind ?? ''}`;
}

function objectKey(object: Record<string, unknown>): string {
  const apiVersion = String(object.apiVersion);
  return `${apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : ''}/${String(object.kind)}`;
}

function main(): number {
  const started = Date.now();
  const distDir = path.join(REPO, 'dist');
  const helm = engineBinary('helm');
  const home = path.join(REPO, '.build', 'helm-home');
  fs.rmSync(HELM_OUT, { recursive: true, force: true });
  fs.mkdirSync(HELM_OUT, { recursive: true });
  // Helm keeps its config, cache and data under the build folder, never in the user's home.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
  };
  // The binary carries no version stamp (built without release ldflags); the pin is engines/helm/go.mod's.
  const pinned = /^\s*helm\.sh\/helm\/v4 (v\S+)/m.exec(
    fs.readFileSync(path.join(REPO, 'engines', 'helm', 'go.mod'), 'utf8'),
  )?.[1];
  execFileSync(helm, ['version'], { env });
  console.log(`helm-template: helm ${pinned ?? '(unknown version)'} (engines/helm/go.mod)`);
  const registry = SchemaRegistry.forCache();
  const index: RenderedRelease[] = [];
  let failures = 0;
  for (const release of loadHelmReleases(distDir, REPO)) {
    const where = `${release.file} ${release.address}`;
    const outDir = path.join(HELM_OUT, release.env, release.name);
    const valuesDir = path.join(REPO, '.build', 'helm-values', release.env, release.name);
    fs.mkdirSync(outDir, { recursive: true });
    fs.rmSync(valuesDir, { recursive: true, force: true });
    fs.mkdirSync(valuesDir, { recursive: true });
    const valueFiles = release.values.map((text, i) => {
      const file = path.join(valuesDir, `values-${i}.yaml`);
      fs.writeFileSync(file, text);
      return file;
    });
    for (const s of release.substitutions) {
      console.log(`helm-template: ${release.env} ${release.name}: ${s.expression} rendered as "${s.sample}"`);
    }
    const args = [
      'template',
      release.name,
      requireChartDir(release.chart, release.version),
      '--namespace',
      release.namespace,
      '--kube-version',
      `v${clusterVersion(distDir, release.env)}.0`,
      '--skip-tests',
      ...(release.includeCrds ? ['--include-crds'] : []),
      ...valueFiles.flatMap((f) => ['-f', f]),
    ];
    let rendered: string;
    try {
      rendered = execFileSync(helm, args, {
        env,
        maxBuffer: 256 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString('utf8');
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim() ?? String(error);
      console.log(`${where}: helm template failed: ${stderr}`);
      failures += 1;
      continue;
    }
    const manifest = path.join(outDir, 'manifest.yaml');
    fs.writeFileSync(manifest, rendered);
    const relManifest = path.relative(REPO, manifest).split(path.sep).join('/');
    const parsed = parseYamlObjects(rendered);
    const kinds: Record<string, number> = {};
    for (const failure of parsed.failures) {
      console.log(`${relManifest} (document ${failure.index + 1}): ${failure.message}`);
      failures += 1;
    }
    const objects = expandLists(parsed.objects.map((o) => o.object));
    // Kinds whose CRD the chart itself ships (not pinned in config/upstream.ts): the dry run judges them against it.
    const chartKinds = new Set(objects.filter(isCrd).map(crdKey));
    let byChartCrd = 0;
    for (const object of objects) {
      const kind = typeof object.kind === 'string' ? object.kind : '(no kind)';
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      const problems = registry.validate(object);
      if (
        problems.length === 1 &&
        problems[0].startsWith('no schema for') &&
        chartKinds.has(objectKey(object))
      ) {
        byChartCrd += 1;
        continue;
      }
      for (const message of problems) {
        console.log(`${relManifest} ${objectLabel(object)}: ${message}`);
        failures += 1;
      }
    }
    if (byChartCrd > 0) {
      console.log(
        `helm-template: ${release.env} ${release.name}: ${byChartCrd} object(s) of kinds only the chart's own CRDs ` +
          'define; `make dry-run` judges them against those CRDs',
      );
    }
    const total = Object.values(kinds).reduce((a, b) => a + b, 0);
    const list = Object.entries(kinds)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    console.log(
      `helm-template: ${release.env} ${release.name} (${release.chart} ${release.version}, namespace ` +
        `${release.namespace}): ${total} objects: ${list}`,
    );
    index.push({
      env: release.env,
      name: release.name,
      namespace: release.namespace,
      chart: release.chart,
      version: release.version,
      source: where,
      manifest: relManifest,
      kinds,
    });
  }
  fs.writeFileSync(path.join(HELM_OUT, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  const objects = index.reduce((n, r) => n + Object.values(r.kinds).reduce((a, b) => a + b, 0), 0);
  console.log(
    `helm-template: ${index.length} releases rendered, ${objects} objects, ${failures} problem(s); output in ` +
      `${path.relative(REPO, HELM_OUT)}/, in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  return failures === 0 ? 0 : 1;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(`helm-template: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  }
}
