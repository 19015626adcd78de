import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIST_PATHS } from '../../config';
import { relativePosix } from '../problem';
import type { DistEnvironment, KubernetesObject, TerraformStack } from './model';
import { distEnvironments, kubernetesObjects, terraformStackFromJson } from './model';
import type { ParsedYaml } from './yaml';
import { parseYamlObjects } from './yaml';

/** One JSON file of dist/terraform, parsed, or the reason it could not be. */
export interface TerraformFile {
  /** Absolute path. */
  readonly path: string;
  /** Relative to the report root, as problems name it. */
  readonly file: string;
  /** The parsed JSON (undefined when `error` is set). */
  readonly json?: unknown;
  /** Why the file is not valid JSON. */
  readonly error?: string;
}

/** One YAML file of dist/k8s, parsed into its documents. */
export interface KubernetesFile {
  /** Absolute path. */
  readonly path: string;
  /** Relative to the report root, as problems name it. */
  readonly file: string;
  /** The environment: the first folder below dist/k8s. */
  readonly env: string;
  /** Its mapping documents (by document index) and the documents that failed to parse. */
  readonly parsed: ParsedYaml;
}

/** dist/, read once: the files as parsed, and the object model every check takes its objects from. */
export interface Dist {
  /** Absolute path of dist/. */
  readonly distDir: string;
  /** Problems name files relative to this directory. */
  readonly reportRoot: string;
  /** `<distDir>/terraform`. */
  readonly terraformDir: string;
  /** `<distDir>/k8s`. */
  readonly k8sDir: string;
  /** Every *.json below dist/terraform (cdktf's manifest.json and the stack files), sorted by path. */
  readonly terraformFiles: readonly TerraformFile[];
  /** Every *.yaml / *.yml below dist/k8s, sorted by path. */
  readonly kubernetesFiles: readonly KubernetesFile[];
  /** Every parsable `stacks/<stack>/cdk.tf.json`, sorted by stack. */
  readonly stacks: readonly TerraformStack[];
  /** Every Kubernetes document of dist/k8s and the manifests embedded in Argo resource templates, in file order. */
  readonly objects: readonly KubernetesObject[];
  /** Stacks, objects and Helm releases grouped by environment, environments sorted. */
  readonly environments: readonly DistEnvironment[];
}

/**
 * Reads every file of dist/terraform and dist/k8s once and builds the object model. A file that does not parse stays
 * in `terraformFiles` / `kubernetesFiles` with its error (the schema checks report it) and contributes no objects.
 */
export function loadDist(distDir: string, reportRoot: string): Dist {
  const dist = path.resolve(distDir);
  const terraformDir = path.join(dist, DIST_PATHS.terraform);
  const k8sDir = path.join(dist, DIST_PATHS.k8s);
  const stacksDir = path.join(dist, DIST_PATHS.terraformStacks);

  const terraformFiles = listFiles(terraformDir)
    .filter((f) => f.endsWith('.json'))
    .map((file) => readTerraformFile(file, reportRoot));
  const stacks = terraformFiles
    .filter(
      (f) =>
        f.error === undefined && path.basename(f.path) === 'cdk.tf.json' && f.path.startsWith(stacksDir + path.sep),
    )
    .map((f) => terraformStackFromJson(path.basename(path.dirname(f.path)), f.file, f.json))
    .sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0));

  const kubernetesFiles = listFiles(k8sDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((file) => readKubernetesFile(file, k8sDir, reportRoot));
  const objects = kubernetesFiles.flatMap((f) =>
    f.parsed.objects.flatMap(({ object }) => kubernetesObjects(f.file, f.env, object)),
  );

  return {
    distDir: dist,
    reportRoot,
    terraformDir,
    k8sDir,
    terraformFiles,
    kubernetesFiles,
    stacks,
    objects,
    environments: distEnvironments(stacks, objects),
  };
}

/** Reads and parses one JSON file of dist/terraform (loadDist reads every one; rule tests read a single stack). */
export function readTerraformFile(file: string, reportRoot: string): TerraformFile {
  const report = relativePosix(reportRoot, file);
  try {
    return { path: file, file: report, json: JSON.parse(fs.readFileSync(file, 'utf8')) as unknown };
  } catch (error) {
    return { path: file, file: report, error: (error as Error).message };
  }
}

/** Reads and parses one YAML file of dist/k8s (loadDist reads every one; rule tests read a single file). */
export function readKubernetesFile(file: string, k8sDir: string, reportRoot: string): KubernetesFile {
  return {
    path: file,
    file: relativePosix(reportRoot, file),
    env: relativePosix(k8sDir, file).split('/')[0],
    parsed: parseYamlObjects(fs.readFileSync(file, 'utf8')),
  };
}

/** Every file below `dir`, sorted by name at each level, or none when `dir` does not exist. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  const out: string[] = [];
  for (const entry of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...listFiles(full));
    } else if (entry.isFile()) {
      out.push(full);
    }
  }
  return out;
}
