/**
 * `make scan`: checkov (pinned by engines/checkov/requirements.txt, installed by `make checkov-env`) audits
 * dist/terraform (its Terraform JSON framework), dist/k8s and the Helm output of `make helm-template` (its Kubernetes
 * framework). Every failed check must be listed in engines/checkov/suppressions.yaml with a reason, else it is
 * unexplained and the target fails; a suppression that matches nothing fails too, so the file never outlives its
 * findings. Before the real scan, checkov runs on a fixture with a public S3 bucket policy and must flag it, which
 * proves the scanner is installed, finds the Terraform JSON and judges it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DIST_DIR, DIST_PATHS } from '../config';
import type { CheckovResult, CheckovRun } from './checkov-report';
import { applySuppressions, loadCheckovSuppressions, parseCheckovJson } from './checkov-report';
import { REPO } from './paths';

const CHECKOV = path.join(REPO, '.cache', 'engines', 'checkov', 'bin', 'checkov');
const SUPPRESSIONS = path.join(REPO, 'engines', 'checkov', 'suppressions.yaml');
const FIXTURE = path.join(REPO, 'engines', 'checkov', 'fixtures', 'public-bucket-policy');
/** checkov's "Ensure S3 bucket does not allow an action with any Principal". */
const PUBLIC_POLICY_CHECK = 'CKV_AWS_70';

function checkov(dir: string, framework: string): CheckovRun {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-etl-checkov-'));
  try {
    const out = execFileSync(
      CHECKOV,
      [
        '--directory',
        '.',
        '--framework',
        framework,
        '--output',
        'json',
        '--compact',
        '--soft-fail',
        '--skip-download',
      ],
      {
        // checkov skips every file below a hidden folder of the path it is given (.build/…): scan from inside.
        cwd: dir,
        maxBuffer: 512 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'pipe'],
        // No platform account, no telemetry, no downloads: checkov judges with the checks of the pinned release.
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: home,
          BC_SKIP_MAPPING: 'TRUE',
          LOG_LEVEL: 'WARNING',
        },
      },
    ).toString('utf8');
    // With nothing to scan checkov prints an empty summary rather than JSON.
    return out.trim().startsWith('{') || out.trim().startsWith('[')
      ? parseCheckovJson(out)
      : { passed: [], failed: [], parsingErrors: [] };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/**
 * A copy of dist/terraform's stacks for checkov: checkov 3.3.30's terraform_json parser raises on the string
 * `terraform.required_version` and on the top-level `removed` list (its hclify takes only mappings) and then skips the
 * whole file, so the copy leaves out those two keys, which no checkov check reads (a `removed` block only tells
 * Terraform to forget an old asset version; it declares no resource). Everything else is the synthesized JSON.
 */
function terraformScanCopy(): string {
  const out = path.join(REPO, '.build', 'scan', 'terraform');
  fs.rmSync(out, { recursive: true, force: true });
  const stacks = path.join(REPO, DIST_DIR, DIST_PATHS.terraformStacks);
  for (const stack of fs.readdirSync(stacks).sort()) {
    const file = path.join(stacks, stack, 'cdk.tf.json');
    if (!fs.existsSync(file)) {
      continue;
    }
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      terraform?: Record<string, unknown>;
      removed?: unknown;
    };
    delete json.terraform?.required_version;
    delete json.removed;
    fs.mkdirSync(path.join(out, 'stacks', stack), { recursive: true });
    fs.writeFileSync(path.join(out, 'stacks', stack, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  }
  return out;
}

/**
 * checkov names some Terraform objects by block only (`resource.argo`, `data.zones`); the type is looked up in the
 * scanned file so findings and suppressions read `aws_cloudfront_distribution.argo`. A name two types share stays.
 */
function terraformAddress(dir: string, result: CheckovResult): string {
  const match = /^(resource|data)\.([^.]+)$/.exec(result.resource);
  if (match === null) {
    return result.resource;
  }
  const json = JSON.parse(fs.readFileSync(path.join(dir, result.file), 'utf8')) as Record<
    string,
    Record<string, Record<string, unknown>> | undefined
  >;
  const types = Object.entries(json[match[1]] ?? {})
    .filter(([, byName]) => Object.hasOwn(byName, match[2]))
    .map(([type]) => type);
  if (types.length !== 1) {
    return result.resource;
  }
  return match[1] === 'data' ? `data.${types[0]}.${match[2]}` : `${types[0]}.${match[2]}`;
}

function describe(result: CheckovResult): string {
  return `${result.checkId} ${result.resource} (${result.file}): ${result.checkName}`;
}

function main(): number {
  if (!fs.existsSync(CHECKOV)) {
    throw new Error(`${path.relative(REPO, CHECKOV)} is missing; run \`make checkov-env\``);
  }
  const started = Date.now();
  const version = execFileSync(CHECKOV, ['--version']).toString().trim();
  console.log(`scan: checkov ${version}`);

  // The scanner must catch the fixture's public bucket policy, or a clean scan below means nothing.
  const fixture = checkov(FIXTURE, 'terraform_json');
  const caught = fixture.failed.filter((r) => r.checkId === PUBLIC_POLICY_CHECK);
  if (caught.length === 0) {
    console.log(
      `scan: FAILED: checkov did not flag the public bucket policy of ${path.relative(REPO, FIXTURE)} with ` +
        `${PUBLIC_POLICY_CHECK} (failed: ${fixture.failed.map((r) => r.checkId).join(', ') || 'none'})`,
    );
    return 1;
  }
  console.log(`scan: fixture: public bucket policy caught (${caught.map(describe).join('; ')})`);

  const suppressions = loadCheckovSuppressions(SUPPRESSIONS);
  const targets = [
    { name: 'dist/terraform', framework: 'terraform_json', dir: terraformScanCopy() },
    { name: 'dist/k8s', framework: 'kubernetes', dir: path.join(REPO, DIST_DIR, DIST_PATHS.k8s) },
    { name: '.build/helm', framework: 'kubernetes', dir: path.join(REPO, '.build', 'helm') },
  ];
  if (!fs.existsSync(path.join(REPO, '.build', 'helm', 'index.json'))) {
    throw new Error('.build/helm/index.json is missing; run `make helm-template` first');
  }
  const allFailed: CheckovResult[] = [];
  const lines: string[] = [];
  let parsingErrors = 0;
  for (const target of targets) {
    const run = checkov(target.dir, target.framework);
    for (const error of run.parsingErrors) {
      console.log(`scan: ${target.name}: checkov could not parse ${error}`);
    }
    parsingErrors += run.parsingErrors.length;
    const failed = run.failed.map((r) => ({
      ...r,
      resource: target.framework === 'terraform_json' ? terraformAddress(target.dir, r) : r.resource,
      file: `${target.name}${r.file}`,
    }));
    allFailed.push(...failed);
    const { suppressed, unexplained } = applySuppressions(failed, suppressions);
    for (const result of unexplained) {
      console.log(`scan: UNEXPLAINED ${describe(result)}`);
    }
    lines.push(
      `scan: ${target.name} (${target.framework}): ${run.passed.length + run.failed.length} checks run, ` +
        `${run.passed.length} passed, ${run.failed.length} failed (${suppressed.length} suppressed, ` +
        `${unexplained.length} unexplained), ${run.parsingErrors.length} parsing errors`,
    );
  }
  const { suppressed, unexplained, unused } = applySuppressions(allFailed, suppressions);
  for (const s of unused) {
    console.log(`scan: suppression ${s.check} ${s.object} matches no finding any more; remove it`);
  }
  lines.forEach((line) => console.log(line));
  const bad = unexplained.length + unused.length + parsingErrors;
  console.log(
    `scan: ${suppressed.length} suppressed (engines/checkov/suppressions.yaml, ${suppressions.length} entries), ` +
      `${unexplained.length} unexplained, ${unused.length} unused suppressions: ${bad === 0 ? 'passed' : 'FAILED'} ` +
      `in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  return bad === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`scan: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
