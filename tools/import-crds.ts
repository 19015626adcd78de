/**
 * `make imports`: regenerates imports/ with `cdk8s import`, one module per entry of cdk8s.yaml's `imports`, reading
 * each CRD from the upstream cache (filled by `make cache` from ../shared/upstream or the pinned URL) instead of the
 * network. Writes into a staging folder and replaces imports/ only when every available CRD imported.
 *
 * A CRD missing from the cache (the local mirror may lack it) is reported, and its committed binding is kept.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { UPSTREAM_CACHE_DIR, UPSTREAM_FILES } from '../config';

const root = path.resolve(__dirname, '..');
const cdk8sCli = path.join(root, 'node_modules', '.bin', 'cdk8s');
const stage = path.join(root, '.build', 'imports');
const target = path.join(root, 'imports');

/** One `name:=url` entry of cdk8s.yaml. */
interface ImportEntry {
  readonly name: string;
  readonly url: string;
}

function importEntries(): ImportEntry[] {
  const config = parse(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8')) as { imports?: string[] };
  return (config.imports ?? []).map((entry) => {
    const match = /^([a-z0-9-]+):=(https:\/\/\S+)$/.exec(entry);
    if (!match)
      throw new Error(`cdk8s.yaml: imports entry '${entry}' is not of the form <module>:=<https url>`);
    return { name: match[1], url: match[2] };
  });
}

/** Whether every document of the file is a CRD (a chart's crds.yaml holds several). */
function isRealCrd(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((doc) => doc.toJS() as { kind?: string } | null)
    .filter((doc) => doc !== null);
  return (
    docs.length > 0 && docs.every((doc) => typeof doc === 'object' && doc.kind === 'CustomResourceDefinition')
  );
}

/**
 * Runs `cdk8s import` of one CRD in a working folder of its own under the staging folder (it records every import it
 * makes in the cdk8s.yaml of its working directory, which must keep the upstream URLs, and imports running side by
 * side must not share that file); resolves with the files it wrote.
 */
function importOne(name: string, crd: string): Promise<string[]> {
  const work = path.join(stage, '.work', name);
  fs.mkdirSync(work, { recursive: true });
  return new Promise((resolve, reject) => {
    // cdk8s import names the module after the prefix and the API group; the input path does not reach the output.
    // --no-check-upgrade: the CLI's version check needs the network.
    const child = spawn(
      cdk8sCli,
      ['import', `${name}:=${crd}`, '--language', 'typescript', '--output', '.', '--no-check-upgrade'],
      { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`cdk8s import of ${name} failed:\n${output}`));
      else
        resolve(
          fs
            .readdirSync(work)
            .filter((f) => f.endsWith('.ts'))
            .map((f) => path.join(work, f)),
        );
    });
  });
}

async function main(): Promise<void> {
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  const kept: string[] = [];
  const imports: { name: string; crd: string }[] = [];
  for (const entry of importEntries()) {
    const upstream = UPSTREAM_FILES.find((f) => f.url === entry.url);
    if (upstream === undefined) {
      throw new Error(
        `cdk8s.yaml: import '${entry.name}' points at ${entry.url}, which config/upstream.ts does not pin`,
      );
    }
    const cached = path.join(root, UPSTREAM_CACHE_DIR, upstream.path);
    if (!isRealCrd(cached)) {
      const previous = (fs.existsSync(target) ? fs.readdirSync(target) : []).filter((f) =>
        f.startsWith(`${entry.name}-`),
      );
      previous.forEach((f) => fs.copyFileSync(path.join(target, f), path.join(stage, f)));
      kept.push(
        `${entry.name} (${upstream.path} not in the cache; ${previous.length > 0 ? 'kept the committed binding' : 'no binding'})`,
      );
      continue;
    }
    imports.push({ name: entry.name, crd: cached });
  }
  // Two imports at a time (one per core): each is a CLI start that spends most of its time in its own process.
  const queue = [...imports];
  const written: string[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      written.push(...(await importOne(next.name, next.crd)));
    }
  };
  await Promise.all([worker(), worker()]);
  for (const file of written) fs.renameSync(file, path.join(stage, path.basename(file)));
  fs.rmSync(path.join(stage, '.work'), { recursive: true, force: true });
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(stage, target);
  const modules = fs.readdirSync(target).sort();
  console.log(`imports: ${modules.length} modules written to imports/`);
  kept.forEach((k) => console.log(`imports: skipped ${k}`));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
