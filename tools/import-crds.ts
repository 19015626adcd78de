/**
 * `make imports`: regenerates imports/ with `cdk8s import`, one module per entry of cdk8s.yaml's `imports`, reading
 * each CRD from the upstream cache (filled by `make cache` from ../shared/upstream or the pinned URL) instead of the
 * network. Writes into a staging folder and replaces imports/ only when every available CRD imported.
 *
 * A CRD missing from the cache (the local mirror may lack it) is reported, and its committed binding is kept.
 */
import { spawnSync } from 'node:child_process';
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

fs.rmSync(stage, { recursive: true, force: true });
fs.mkdirSync(stage, { recursive: true });
const kept: string[] = [];
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
  // cdk8s import names the module after the prefix and the API group; the input path does not reach the output.
  // --no-check-upgrade: the CLI's version check needs the network.
  // It runs inside the staging folder because it records every import it makes in the cdk8s.yaml of its working
  // directory, which must keep the upstream URLs.
  const result = spawnSync(
    cdk8sCli,
    ['import', `${entry.name}:=${cached}`, '--language', 'typescript', '--output', '.', '--no-check-upgrade'],
    { cwd: stage, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`cdk8s import of ${entry.name} failed:\n${result.stdout}${result.stderr}`);
  }
}
fs.rmSync(target, { recursive: true, force: true });
fs.renameSync(stage, target);
const modules = fs.readdirSync(target).sort();
console.log(`imports: ${modules.length} modules written to imports/`);
kept.forEach((k) => console.log(`imports: skipped ${k}`));
