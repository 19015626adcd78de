import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Dist } from './dist';
import { checkHelmRelease } from './helm-values';
import { findLeaks } from './leaks';
import type { Problem } from './problem';
import { formatPath, relativePosix } from './problem';
import { DEFAULT_CACHE_DIR, REPO_ROOT } from './upstream-cache';

/** Options of {@link verifyTerraform}. */
export interface TerraformCheckOptions {
  /**
   * The checkout whose absolute path must not appear in dist/.
   * @default - the repository holding verify/
   */
  readonly repoRoot?: string;
  /**
   * The home directory whose absolute path must not appear in dist/.
   * @default - os.homedir()
   */
  readonly homeDir?: string;
  /**
   * The upstream cache holding the pinned Helm values schemas.
   * @default - <repo>/.cache/upstream
   */
  readonly cacheDir?: string;
}

/** What {@link verifyTerraform} found. */
export interface TerraformCheckResult {
  /** Every problem, unsorted. */
  readonly problems: Problem[];
  /** How many JSON files it read. */
  readonly files: number;
}

/**
 * Checks every JSON file of dist/terraform (cdktf's manifest.json and stacks/<stack>/cdk.tf.json): it parses,
 * holds no unresolved cdktf token and no absolute local path, the manifest and the stack folders agree, and Helm
 * releases of charts with a pinned values schema fit it.
 */
export function verifyTerraform(dist: Dist, options: TerraformCheckOptions): TerraformCheckResult {
  const problems: Problem[] = [];
  const { terraformDir } = dist;
  const files = dist.terraformFiles;
  const leakOptions = {
    repoRoot: options.repoRoot ?? REPO_ROOT,
    homeDir: options.homeDir ?? os.homedir(),
    localPathPrefixes: (at: readonly (string | number)[]) => !describesCluster(at),
  };
  for (const { path: file, file: report, json, error } of files) {
    if (error !== undefined) {
      problems.push({ file: report, object: '(file)', message: `not valid JSON: ${error}` });
      continue;
    }
    for (const leak of findLeaks(json, leakOptions)) {
      const { object, field } = terraformAddress(leak.path);
      problems.push({
        file: report,
        object,
        message: field === '' ? leak.message : `${field}: ${leak.message}`,
      });
    }
    if (path.dirname(file) === terraformDir && path.basename(file) === 'manifest.json') {
      problems.push(...checkManifest(json, dist));
    }
  }
  for (const release of dist.stacks.flatMap((s) => s.resources).filter((r) => r.type === 'helm_release')) {
    for (const { object, message } of checkHelmRelease(
      release.address,
      release.values,
      options.cacheDir ?? DEFAULT_CACHE_DIR,
    )) {
      problems.push({ file: release.file, object, message });
    }
  }
  return { problems, files: files.length };
}

/** Helm values and Kubernetes resources configure containers: `/tmp/` or `/home/jovyan/` there are not local paths. */
function describesCluster(at: readonly (string | number)[]): boolean {
  const [root, type, , attribute] = at;
  if (root !== 'resource' || typeof type !== 'string') {
    return false;
  }
  return (
    type.startsWith('kubernetes_') ||
    (type === 'helm_release' && HELM_VALUE_ATTRIBUTES.has(String(attribute)))
  );
}

const HELM_VALUE_ATTRIBUTES = new Set(['values', 'set', 'set_list', 'set_sensitive']);

/**
 * Where a JSON path points in Terraform terms: `aws_s3_bucket.lake` for `resource.aws_s3_bucket.lake…`,
 * `data.<type>.<name>`, `module.<name>`, `output.<name>`, `var.<name>`, `local.<name>`, `provider.<name>[i]` or
 * `terraform.backend.<type>`, with the rest of the path as `field`; any other path is the object itself.
 */
export function terraformAddress(segments: readonly (string | number)[]): { object: string; field: string } {
  const [root, first, second] = segments;
  const rest = (n: number): string => formatPath(segments.slice(n));
  if (root === 'resource' && typeof first === 'string' && typeof second === 'string') {
    return { object: `${first}.${second}`, field: rest(3) };
  }
  if (root === 'data' && typeof first === 'string' && typeof second === 'string') {
    return { object: `data.${first}.${second}`, field: rest(3) };
  }
  if (root === 'provider' && typeof first === 'string' && typeof second === 'number') {
    return { object: `provider.${first}[${second}]`, field: rest(3) };
  }
  if (root === 'terraform' && first === 'backend' && typeof second === 'string') {
    return { object: `terraform.backend.${second}`, field: rest(3) };
  }
  const prefixes: Record<string, string> = {
    module: 'module',
    output: 'output',
    variable: 'var',
    locals: 'local',
  };
  if (typeof root === 'string' && prefixes[root] !== undefined && typeof first === 'string') {
    return { object: `${prefixes[root]}.${first}`, field: rest(2) };
  }
  return { object: formatPath(segments), field: '' };
}

/** cdktf's manifest lists every stack; each must have its file, every stack file must be listed, no error annotations. */
function checkManifest(json: unknown, dist: Dist): Problem[] {
  const { terraformDir, reportRoot } = dist;
  const report = relativePosix(reportRoot, path.join(terraformDir, 'manifest.json'));
  const problems: Problem[] = [];
  const stacks = (json as { stacks?: unknown } | null)?.stacks;
  if (stacks === null || typeof stacks !== 'object') {
    return [{ file: report, object: 'stacks', message: 'cdktf manifest has no stacks; run `make synth`' }];
  }
  const listed = new Set<string>();
  for (const [name, stack] of Object.entries(stacks as Record<string, unknown>)) {
    const entry = (stack ?? {}) as { synthesizedStackPath?: unknown; annotations?: unknown };
    const object = formatPath(['stacks', name]);
    if (typeof entry.synthesizedStackPath !== 'string') {
      problems.push({ file: report, object, message: 'synthesizedStackPath is missing' });
    } else {
      const stackFile = path.resolve(terraformDir, entry.synthesizedStackPath);
      listed.add(stackFile);
      if (!fs.existsSync(stackFile)) {
        problems.push({
          file: report,
          object,
          message: `synthesizedStackPath ${entry.synthesizedStackPath} does not exist; run \`make synth\``,
        });
      }
    }
    const annotations = Array.isArray(entry.annotations)
      ? (entry.annotations as Record<string, unknown>[])
      : [];
    annotations.forEach((annotation, i) => {
      if (annotation.level === 'error' || annotation.level === 'warn') {
        problems.push({
          file: report,
          object: formatPath(['stacks', name, 'annotations', i]),
          message: `cdktf ${String(annotation.level)} at ${String(annotation.constructPath)}: ${String(annotation.message)}`,
        });
      }
    });
  }
  const stacksDir = path.join(terraformDir, 'stacks');
  const stackFiles = dist.terraformFiles.filter(
    (f) => path.basename(f.path) === 'cdk.tf.json' && f.path.startsWith(stacksDir + path.sep),
  );
  for (const { path: file, file: report } of stackFiles) {
    if (!listed.has(file)) {
      problems.push({
        file: report,
        object: '(file)',
        message:
          'stack file is not listed in manifest.json (left over from a removed stack?); run `make synth`',
      });
    }
  }
  return problems;
}
