/**
 * `make dry-run`: a real kube-apiserver (the cluster's minor version, built by `make engines`) judges every manifest.
 * It starts a loopback etcd + kube-apiserver (engines/cluster.ts), installs the pinned CRDs from the upstream cache and
 * the CRDs the Helm releases install, then per environment creates its namespaces (with their Pod Security labels) and
 * applies with server-side dry run (`dryRun=All`) every document of dist/k8s/<env>, every manifest embedded in an Argo
 * resource template (its `{{…}}` replaced by samples, engines/argo-samples.ts) and the Helm output `make helm-template`
 * rendered. Each rejection is printed with the file, kind/name and the server's message. Then the engine corpus
 * (verify/engine-corpus/) goes through the same server and each verdict must equal the case's `expect`, which
 * `make verify`'s schema + CEL side asserts too (verify/engine-corpus.test.ts). Exits 1 on any rejection or
 * disagreement; the servers are stopped on every path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIST_DIR, DIST_PATHS } from '../config';
import {
  loadEngineCorpus,
  DEFAULT_CACHE_DIR,
  embeddedManifestsOf,
  listFiles,
  objectLabel,
  parseYamlObjects,
} from '../verify';
import { argoHolderOf, substituteArgoExpressions } from './argo-samples';
import { type LoopbackCluster, startLoopbackCluster } from './cluster';
import { type RenderedRelease, expandLists } from './helm-template';
import { type KubeResponse, KubeClient, statusMessage } from './kube-client';
import { REPO } from './paths';

const FIELD_MANAGER = 'sql-etl-dry-run';

/** One document to judge and where it came from. */
interface Candidate {
  readonly source: 'dist/k8s' | 'embedded' | 'helm';
  /** File (and, for embedded manifests, the template path) for the report. */
  readonly where: string;
  readonly object: Record<string, unknown>;
  /** The namespace a namespaced object without one goes to (`kubectl -n`, Helm's release namespace). */
  readonly defaultNamespace: string;
}

/** The server's verdict on one object. */
type Verdict = { ok: true; warnings: readonly string[] } | { ok: false; status: number; message: string };

function rel(file: string): string {
  return path.relative(REPO, file).split(path.sep).join('/');
}

/**
 * Judges an object with `dryRun=All`, or (dryRun false: namespaces, CRDs) creates or updates it for real. A dry run
 * creates (a POST, as `kubectl apply`, Argo CD, Argo and Helm do for an object that does not exist yet); an object
 * the server already holds (a chart's CRD that is also pinned) is applied server-side instead. Real changes use
 * server-side apply, which creates or updates.
 */
async function apply(
  client: KubeClient,
  object: Record<string, unknown>,
  defaultNamespace: string,
  dryRun: boolean,
): Promise<Verdict> {
  const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return { ok: false, status: 0, message: 'apiVersion and kind must be strings' };
  }
  const resource = await client.resourceFor(apiVersion, kind);
  if (resource === undefined) {
    return {
      ok: false,
      status: 0,
      message: `the server serves no ${kind} in ${apiVersion} (no such built-in kind, and no installed CRD defines it)`,
    };
  }
  const metadata = { ...((object.metadata ?? {}) as Record<string, unknown>) };
  if (resource.namespaced && typeof metadata.namespace !== 'string') {
    metadata.namespace = defaultNamespace;
  }
  const body = { ...object, metadata };
  const namespace = resource.namespaced ? (metadata.namespace as string) : undefined;
  const collection = KubeClient.collectionPath(resource, namespace);
  const query = `fieldManager=${FIELD_MANAGER}${dryRun ? '&dryRun=All' : ''}`;
  const serverSideApply = (name: string): Promise<KubeResponse> =>
    client.request(
      'PATCH',
      `${collection}/${encodeURIComponent(name)}?${query}&force=true`,
      body,
      'application/apply-patch+yaml',
    );
  let response: KubeResponse;
  if (!dryRun && typeof metadata.name === 'string') {
    response = await serverSideApply(metadata.name);
  } else {
    response = await client.request('POST', `${collection}?${query}`, body);
    if (response.status === 409 && typeof metadata.name === 'string') {
      response = await serverSideApply(metadata.name);
    }
  }
  return response.status >= 200 && response.status < 300
    ? { ok: true, warnings: response.warnings }
    : { ok: false, status: response.status, message: statusMessage(response) };
}

/** Creates (or updates) a namespace for real, with the labels the object gives it. */
async function ensureNamespace(
  client: KubeClient,
  object: Record<string, unknown>,
  where: string,
): Promise<void> {
  const verdict = await apply(client, object, 'default', false);
  if (!verdict.ok) {
    throw new Error(`${where} ${objectLabel(object)}: the server refused the namespace: ${verdict.message}`);
  }
}

/** Parses a YAML file into its objects; a syntax error is a rejection the caller reports. */
function objectsOf(file: string): Record<string, unknown>[] {
  const parsed = parseYamlObjects(fs.readFileSync(file, 'utf8'));
  if (parsed.failures.length > 0) {
    throw new Error(`${rel(file)}: ${parsed.failures[0].message}`);
  }
  return parsed.objects.map((o) => o.object);
}

/** Installs the CRDs for real and waits until each is Established (served). */
async function installCrds(
  client: KubeClient,
  crds: { file: string; object: Record<string, unknown> }[],
): Promise<void> {
  for (const { file, object } of crds) {
    const verdict = await apply(client, object, 'default', false);
    if (!verdict.ok) {
      throw new Error(`${file} ${objectLabel(object)}: the server refused the CRD: ${verdict.message}`);
    }
  }
  const deadline = Date.now() + 60_000;
  for (const { object } of crds) {
    const name = (object.metadata as { name: string }).name;
    for (;;) {
      const response = await client.request(
        'GET',
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
      );
      const conditions = (response.body as { status?: { conditions?: { type: string; status: string }[] } })
        .status?.conditions;
      if (conditions?.some((c) => c.type === 'Established' && c.status === 'True')) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`CRD ${name} not Established after 60 s`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  client.forget();
}

/** Every document of dist/k8s/<env>, its embedded Argo manifests (samples in), and the env's Helm output. */
function candidatesOf(env: string, releases: readonly RenderedRelease[]): Candidate[] {
  const candidates: Candidate[] = [];
  for (const file of listFiles(path.join(REPO, DIST_DIR, DIST_PATHS.k8sEnvironment(env))).filter((f) =>
    /\.ya?ml$/.test(f),
  )) {
    for (const object of objectsOf(file)) {
      candidates.push({ source: 'dist/k8s', where: rel(file), object, defaultNamespace: 'default' });
      const holder = argoHolderOf(object);
      for (const embedded of embeddedManifestsOf(object)) {
        const where = `${rel(file)} ${objectLabel(object)} ${embedded.where}`;
        const text = substituteArgoExpressions(embedded.manifest, holder, where);
        const parsed = parseYamlObjects(text);
        if (parsed.failures.length > 0) {
          throw new Error(`${where}: after substituting samples: ${parsed.failures[0].message}`);
        }
        for (const { object: manifest } of parsed.objects) {
          candidates.push({
            source: 'embedded',
            where,
            object: manifest,
            defaultNamespace: holder.namespace,
          });
        }
      }
    }
  }
  for (const release of releases.filter((r) => r.env === env)) {
    for (const object of expandLists(objectsOf(path.join(REPO, release.manifest)))) {
      candidates.push({
        source: 'helm',
        where: `${release.manifest} (${release.source})`,
        object,
        defaultNamespace: release.namespace,
      });
    }
  }
  return candidates;
}

async function dryRunEnvironment(
  client: KubeClient,
  env: string,
  releases: readonly RenderedRelease[],
): Promise<{ rejected: number; line: string }> {
  const candidates = candidatesOf(env, releases);
  // Namespaces exist for real (a dry-run namespace holds nothing): the env's Namespace objects with their labels
  // (Pod Security admission reads them), then each Helm release's namespace (create_namespace).
  const namespaces = candidates.filter((c) => c.object.kind === 'Namespace' && c.object.apiVersion === 'v1');
  const named = new Set(namespaces.map((c) => (c.object.metadata as { name?: string }).name));
  for (const namespace of namespaces) {
    await ensureNamespace(client, namespace.object, namespace.where);
  }
  for (const release of releases.filter((r) => r.env === env && !named.has(r.namespace))) {
    named.add(release.namespace);
    await ensureNamespace(
      client,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: release.namespace } },
      release.source,
    );
  }
  const counts = new Map<string, { accepted: number; rejected: number }>();
  let warnings = 0;
  let rejected = 0;
  for (const candidate of candidates) {
    // A namespace was created above; its dry run is an update, which still runs validation and admission.
    const verdict = await apply(client, candidate.object, candidate.defaultNamespace, true);
    const count = counts.get(candidate.source) ?? { accepted: 0, rejected: 0 };
    counts.set(candidate.source, count);
    if (verdict.ok) {
      count.accepted += 1;
      for (const warning of verdict.warnings) {
        warnings += 1;
        console.log(
          `dry-run: ${env}: warning: ${candidate.where} ${objectLabel(candidate.object)}: ${warning}`,
        );
      }
    } else {
      count.rejected += 1;
      rejected += 1;
      console.log(
        `dry-run: ${env}: REJECTED ${candidate.where} ${objectLabel(candidate.object)}: ${verdict.message}`,
      );
    }
  }
  const part = (source: string): string => {
    const c = counts.get(source) ?? { accepted: 0, rejected: 0 };
    return `${source} ${c.accepted}/${c.accepted + c.rejected}`;
  };
  const accepted = [...counts.values()].reduce((n, c) => n + c.accepted, 0);
  return {
    rejected,
    line:
      `dry-run: ${env}: ${accepted} accepted, ${rejected} rejected (${part('dist/k8s')}, ${part('embedded')} ` +
      `embedded in Argo templates, ${part('helm')} rendered by Helm); ${warnings} warning(s)`,
  };
}

/** The engine corpus through the API server: each verdict must be the case's `expect`. */
async function runCorpus(client: KubeClient): Promise<number> {
  let disagreements = 0;
  const corpus = loadEngineCorpus();
  const namespaces = new Set(
    corpus
      .map((c) => (c.object.metadata as { namespace?: unknown } | undefined)?.namespace)
      .filter((n): n is string => typeof n === 'string'),
  );
  for (const name of namespaces) {
    await ensureNamespace(
      client,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      'verify/engine-corpus',
    );
  }
  for (const c of corpus) {
    const verdict = await apply(client, c.object, 'default', true);
    // Anything but a judgement of the object (a missing namespace, a server error) is not a verdict at all.
    const judged = verdict.ok || verdict.status === 422 || verdict.status === 400;
    const got = verdict.ok ? 'accepted' : 'rejected';
    const agrees = judged && got === c.expect;
    if (!agrees) {
      disagreements += 1;
    }
    console.log(
      `dry-run: corpus ${c.name}: API server ${judged ? got : 'could not judge'}, expected ${c.expect}` +
        `${agrees ? '' : ' — DISAGREES'}${verdict.ok ? '' : `: ${verdict.message}`}`,
    );
  }
  console.log(
    `dry-run: engine corpus: ${corpus.length - disagreements} of ${corpus.length} verdicts agree with verify's`,
  );
  return disagreements;
}

/** The module version engines/<dir>/go.mod pins (the binaries carry no version stamp of their own). */
function pinnedVersion(dir: string, module: string): string {
  const goMod = fs.readFileSync(path.join(REPO, 'engines', dir, 'go.mod'), 'utf8');
  return (
    new RegExp(`^\\s*${module.replace(/\./g, '\\.')} (v\\S+)`, 'm').exec(goMod)?.[1] ?? '(unknown version)'
  );
}

async function main(): Promise<number> {
  const started = Date.now();
  const indexFile = path.join(REPO, '.build', 'helm', 'index.json');
  if (!fs.existsSync(indexFile)) {
    throw new Error(`${rel(indexFile)} is missing; run \`make helm-template\` first`);
  }
  const releases = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as RenderedRelease[];
  const envs = fs
    .readdirSync(path.join(REPO, DIST_DIR, DIST_PATHS.k8s), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  let cluster: LoopbackCluster | undefined;
  try {
    cluster = await startLoopbackCluster(path.join(REPO, '.build', 'dry-run'));
    const { client } = cluster;
    console.log(
      `dry-run: kube-apiserver ${pinnedVersion('apiserver', 'k8s.io/kubernetes')} and etcd ` +
        `${pinnedVersion('etcd', 'go.etcd.io/etcd/server/v3')} on 127.0.0.1, ready after ` +
        `${Math.round((Date.now() - started) / 1000)} s`,
    );

    const listening = cluster.listening();
    const outside = listening.filter((a) => !a.startsWith('127.0.0.1:'));
    console.log(`dry-run: etcd and kube-apiserver listen on ${listening.join(', ')}`);
    if (outside.length > 0 || listening.length === 0) {
      throw new Error(
        `the servers must listen on 127.0.0.1 only, found ${listening.join(', ') || 'nothing'}`,
      );
    }

    const pinned = listFiles(path.join(DEFAULT_CACHE_DIR, 'crds'))
      .filter((f) => /\.ya?ml$/.test(f))
      .flatMap((file) => objectsOf(file).map((object) => ({ file: rel(file), object })));
    await installCrds(client, pinned);
    // CRDs a release installs (crds/ of its chart) that no pinned file defines, as Helm installs them before the rest.
    const installed = new Set(pinned.map((c) => (c.object.metadata as { name: string }).name));
    const fromCharts: { file: string; object: Record<string, unknown> }[] = [];
    for (const release of releases) {
      for (const object of objectsOf(path.join(REPO, release.manifest))) {
        const name = (object.metadata as { name?: string } | undefined)?.name;
        if (object.kind === 'CustomResourceDefinition' && name !== undefined && !installed.has(name)) {
          installed.add(name);
          fromCharts.push({ file: release.manifest, object });
        }
      }
    }
    await installCrds(client, fromCharts);
    console.log(
      `dry-run: ${pinned.length} pinned CRDs installed from the upstream cache, ${fromCharts.length} more from the charts`,
    );

    let failures = 0;
    const lines: string[] = [];
    for (const env of envs) {
      const result = await dryRunEnvironment(client, env, releases);
      failures += result.rejected;
      lines.push(result.line);
    }
    failures += await runCorpus(client);
    for (const line of lines) {
      console.log(line);
    }
    console.log(
      `dry-run: ${failures === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    return failures === 0 ? 0 : 1;
  } finally {
    await cluster?.stop();
    if (cluster !== undefined) {
      console.log('dry-run: etcd and kube-apiserver stopped, data directory removed');
    }
  }
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(`dry-run: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  });
