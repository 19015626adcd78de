/**
 * Test helpers of the reference checks: copy the committed dist/ to a temporary folder, break one object, run a check.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT } from '../upstream-cache';
import type { Json, ReferenceCheck, ReferenceCheckResult, ReferenceInput, Segments } from './model';
import { loadDist } from '../dist';
import { asObject, at, referenceInput } from './model';

/** The committed dist/. */
export const REAL_DIST = path.join(REPO_ROOT, 'dist');

/** A fresh copy of the committed dist/ at `<tmp>/dist`, so problems name files `dist/…` as on the real one. */
export function copyDist(): string {
  const dist = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verify-references-')), 'dist');
  fs.cpSync(REAL_DIST, dist, { recursive: true });
  return dist;
}

let realInput: ReferenceInput | undefined;

/** Runs one check on a dist/ folder (the committed one is read once per test file), files named `dist/…`. */
export function runOn(check: ReferenceCheck, dist: string = REAL_DIST): ReferenceCheckResult {
  if (dist !== REAL_DIST) return check.run(referenceInput(loadDist(dist, path.dirname(dist))));
  realInput ??= referenceInput(loadDist(REAL_DIST, REPO_ROOT));
  return check.run(realInput);
}

/** `FILE  OBJECT  MESSAGE` lines, for readable assertions. */
export function lines(result: ReferenceCheckResult): string[] {
  return result.problems.map((p) => `${p.file}  ${p.object}  ${p.message}`);
}

/** Rewrites the YAML documents of `dist/<relative>` with `edit` (which mutates each parsed document). */
export function editYaml(
  dist: string,
  relative: string,
  edit: (document: Record<string, unknown>) => void,
): void {
  const file = path.join(dist, relative);
  const documents = parseAllDocuments(fs.readFileSync(file, 'utf8')).map(
    (d) => d.toJS() as Record<string, unknown>,
  );
  documents.forEach(edit);
  fs.writeFileSync(file, documents.map((d) => stringify(d)).join('---\n'));
}

/** Replaces text in `dist/<relative>` (for manifests embedded in Argo templates); throws when absent. */
export function replaceText(dist: string, relative: string, from: string, to: string): void {
  const file = path.join(dist, relative);
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${relative} does not contain ${from}`);
  fs.writeFileSync(file, text.split(from).join(to));
}

/** Sets the value at `segments` (every parent must exist); throws when a parent is missing. */
export function setIn(object: unknown, segments: Segments, value: unknown): void {
  const parent = at(object, segments.slice(0, -1));
  const last = segments[segments.length - 1];
  if (parent === null || typeof parent !== 'object') throw new Error(`no parent at ${segments.join('.')}`);
  (parent as Record<string | number, unknown>)[last] = value;
}

/** Rewrites `dist/<relative>` JSON with `edit`. */
export function editJson(dist: string, relative: string, edit: (json: Json) => void): void {
  const file = path.join(dist, relative);
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
  edit(json);
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

/** The environments of the committed dist/. */
export const ENVS = ['dev', 'prod'];

/**
 * Applies to a copy the fixes of the gaps the reference checks found in the committed dist/ (reported to the lead):
 * Helm releases creating the External Secrets Operator and Spark History Server service accounts their Pod Identity
 * associations name. Each fix is added only when missing, so this becomes a no-op once dist/ carries the real fix.
 */
export function fixKnownGaps(dist: string): void {
  for (const env of ENVS) {
    editJson(dist, `terraform/stacks/${env}-platform/cdk.tf.json`, (json) => {
      const releases = asObject(at(json, ['resource', 'helm_release'])) ?? {};
      const charts = Object.values(releases).map((r) => asObject(r)?.chart);
      const add = (name: string, chart: string, namespace: string, account: string): void => {
        if (charts.includes(chart)) return;
        releases[name] = {
          chart,
          name: chart,
          namespace,
          create_namespace: true,
          version: '0.0.0-test',
          values: [stringify({ serviceAccount: { create: true, name: account } })],
        };
      };
      add('external_secrets', 'external-secrets', 'external-secrets', 'external-secrets');
      add('spark_history_server', 'spark-history-server', 'spark-history', 'spark-history-server');
    });
  }
}
