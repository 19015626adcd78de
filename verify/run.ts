import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDist } from './dist';
import { verifyKubernetes } from './k8s';
import type { PolicyOptions, PolicyResult } from './policy';
import { runPolicy } from './policy';
import type { Problem } from './problem';
import { relativePosix, sortProblems } from './problem';
import type { ReferencesResult } from './references';
import { runReferenceChecks } from './references';
import { formatPolicySummary } from './report';
import { SchemaRegistry } from './schemas';
import { verifyTerraform } from './terraform';
import { DEFAULT_CACHE_DIR, REPO_ROOT } from './upstream-cache';

/** Options of {@link verifyDist}. */
export interface VerifyOptions {
  /**
   * The upstream cache holding the pinned CRDs and Helm values schemas.
   * @default - <repo>/.cache/upstream
   */
  readonly cacheDir?: string;
  /**
   * Problems name files relative to this directory.
   * @default - the parent of distDir (the repository root for the committed dist/)
   */
  readonly reportRoot?: string;
  /**
   * The checkout whose absolute path must not appear in dist/.
   * @default - the repository holding verify/
   */
  readonly repoRoot?: string;
  /**
   * The home directory whose absolute path must not appear in dist/terraform.
   * @default - os.homedir()
   */
  readonly homeDir?: string;
  /**
   * Policy rules to apply and the suppression file (`make verify` passes RULES and verify/suppressions.yaml).
   * @default - no policy rules: schema and determinism checks only
   */
  readonly policy?: PolicyOptions;
  /**
   * Run the cross-layer reference checks of verify/references (`make verify` does) and report their count.
   * @default false - schema, determinism and (with `policy`) policy checks only
   */
  readonly references?: boolean;
}

/** What was checked. */
export interface VerifyCounts {
  /** Non-empty YAML documents under dist/k8s. */
  readonly kubernetesDocuments: number;
  /** Those documents per kind. */
  readonly kinds: Readonly<Record<string, number>>;
  /** Manifests embedded in Argo resource templates, validated as well. */
  readonly embeddedManifests: number;
  /** JSON files under dist/terraform. */
  readonly terraformFiles: number;
  /**
   * Cross-object references resolved (hook for the reference checks; absent until a checker reports a count).
   * @default - not reported
   */
  readonly referencesChecked?: number;
}

/** The outcome of {@link verifyDist}. */
export interface VerifyResult {
  /** Every problem, sorted by file, object and message. */
  readonly problems: readonly Problem[];
  /** What was checked. */
  readonly counts: VerifyCounts;
  /** The policy evaluation, when {@link VerifyOptions.policy} was given; its problems are in `problems` too. */
  readonly policy?: PolicyResult;
  /** The reference checks, when {@link VerifyOptions.references} was set; their problems are in `problems` too. */
  readonly references?: ReferencesResult;
}

/**
 * Verifies a synthesized dist/ (dist/k8s and dist/terraform) and returns every problem found. Throws when `distDir`
 * does not exist or the upstream cache is missing: those are setup errors, not findings about dist/.
 */
export function verifyDist(distDir: string, options: VerifyOptions = {}): VerifyResult {
  const dist = path.resolve(distDir);
  if (!fs.existsSync(dist)) {
    throw new Error(`${dist} does not exist; run \`make synth\` first`);
  }
  const reportRoot = options.reportRoot ?? path.dirname(dist);
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const registry = SchemaRegistry.forCache(options.cacheDir ?? DEFAULT_CACHE_DIR);

  const problems: Problem[] = [];
  for (const part of ['k8s', 'terraform']) {
    if (!fs.existsSync(path.join(dist, part))) {
      problems.push({
        file: relativePosix(reportRoot, path.join(dist, part)),
        object: '(folder)',
        message: 'missing: synthesis wrote nothing here; run `make synth`',
      });
    }
  }
  // dist/ is read once; every check below takes its files and objects from `loaded`.
  const loaded = loadDist(dist, reportRoot);
  const k8s = verifyKubernetes(loaded, { registry, repoRoot });
  const terraform = verifyTerraform(loaded, {
    repoRoot,
    homeDir: options.homeDir,
    cacheDir: options.cacheDir,
  });
  problems.push(...k8s.problems, ...terraform.problems);
  const policy = options.policy === undefined ? undefined : runPolicy(loaded, options.policy);
  problems.push(...(policy?.problems ?? []));
  const references = options.references === true ? runReferenceChecks(loaded) : undefined;
  problems.push(...(references?.problems ?? []));

  const kinds = Object.fromEntries(Object.entries(k8s.kinds).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    problems: sortProblems(problems),
    counts: {
      kubernetesDocuments: k8s.documents,
      kinds,
      embeddedManifests: k8s.embeddedManifests,
      terraformFiles: terraform.files,
      ...(references === undefined ? {} : { referencesChecked: references.checked }),
    },
    ...(policy === undefined ? {} : { policy }),
    ...(references === undefined ? {} : { references }),
  };
}

/** One report line: `FILE  OBJECT  MESSAGE`. */
export function formatProblem(problem: Problem): string {
  return `${problem.file}  ${problem.object}  ${problem.message}`;
}

/**
 * The closing line: what was checked and how many problems were found; with the policy, a second line with rules,
 * evaluations, violations and suppressions (see formatPolicySummary).
 */
export function formatSummary(result: VerifyResult): string {
  const { counts } = result;
  const kinds = Object.entries(counts.kinds)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    `verify: ${plural(counts.kubernetesDocuments, 'Kubernetes document')}${kinds === '' ? '' : ` (${kinds})`}` +
    ` + ${plural(counts.embeddedManifests, 'embedded manifest')}, ${plural(counts.terraformFiles, 'Terraform file')}` +
    (counts.referencesChecked === undefined
      ? ''
      : `, ${plural(counts.referencesChecked, 'reference')} checked`) +
    `: ${plural(result.problems.length, 'problem')}` +
    (result.policy === undefined ? '' : `\n${formatPolicySummary(result.policy)}`) +
    (result.references?.notes ?? []).map((note) => `\nreferences: ${note}`).join('')
  );
}
