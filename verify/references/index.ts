/**
 * Cross-layer reference checks: what dist/k8s names must exist in dist/terraform or dist/k8s of the same environment
 * (and the other way round). One check per file; verify/README.md ("Reference checks") lists what each recognises.
 */
import type { Dist } from '../dist';
import type { Problem } from '../problem';
import { argoTemplatesCheck } from './argo-templates';
import { irsaRolesCheck } from './irsa-roles';
import type { ReferenceCheck, ReferenceInput } from './model';
import { referenceInput } from './model';
import { namespacesCheck } from './namespaces';
import { nodePlacementCheck } from './node-placement';
import { podIdentityCheck } from './pod-identity';
import { s3LocationsCheck } from './s3-locations';
import { secretsConfigMapsCheck } from './secrets-config-maps';
import { serviceAccountsCheck } from './service-accounts';
import { sparkDirectoriesCheck } from './spark-directories';
import { stackOrderCheck } from './stack-order';
import { targetGroupsCheck } from './target-groups';
import { teamsCheck } from './teams';

export type { ReferenceCheck, ReferenceInput } from './model';

/** Every reference check, in report order. */
export const REFERENCE_CHECKS: readonly ReferenceCheck[] = [
  argoTemplatesCheck,
  serviceAccountsCheck,
  irsaRolesCheck,
  podIdentityCheck,
  nodePlacementCheck,
  s3LocationsCheck,
  sparkDirectoriesCheck,
  secretsConfigMapsCheck,
  namespacesCheck,
  stackOrderCheck,
  targetGroupsCheck,
  teamsCheck,
];

/** What the reference checks found. */
export interface ReferencesResult {
  /** Every problem, unsorted. */
  readonly problems: readonly Problem[];
  /** References checked, all checks together. */
  readonly checked: number;
  /** Per check: its id and how many references it checked and failed. */
  readonly checks: readonly { readonly id: string; readonly checked: number; readonly problems: number }[];
  /** Facts worth stating even when nothing failed. */
  readonly notes: readonly string[];
}

/** Runs `checks` on already-loaded input; a check that throws becomes a problem, never a silent pass. */
export function runChecks(
  input: ReferenceInput,
  checks: readonly ReferenceCheck[] = REFERENCE_CHECKS,
): ReferencesResult {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const summary: { id: string; checked: number; problems: number }[] = [];
  for (const check of checks) {
    try {
      const result = check.run(input);
      problems.push(...result.problems);
      notes.push(...(result.notes ?? []));
      summary.push({ id: check.id, checked: result.checked, problems: result.problems.length });
    } catch (error) {
      const message = `reference check ${check.id} failed: ${error instanceof Error ? error.message : String(error)}`;
      problems.push({ file: 'verify/references', object: check.id, message });
      summary.push({ id: check.id, checked: 0, problems: 1 });
    }
  }
  return { problems, checked: summary.reduce((n, c) => n + c.checked, 0), checks: summary, notes };
}

/** Runs every reference check on a loaded dist/. */
export function runReferenceChecks(dist: Dist): ReferencesResult {
  return runChecks(referenceInput(dist));
}
