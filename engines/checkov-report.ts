import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** One check result of a checkov JSON report. */
export interface CheckovResult {
  readonly framework: string;
  readonly checkId: string;
  readonly checkName: string;
  /** As checkov names the object: `aws_s3_bucket.logs` (Terraform), `Deployment.argocd.argo-cd-server` (Kubernetes). */
  readonly resource: string;
  /** As checkov reports it: relative to the scanned folder, with a leading `/`. */
  readonly file: string;
}

/** The results of one checkov run, across frameworks. */
export interface CheckovRun {
  readonly passed: readonly CheckovResult[];
  readonly failed: readonly CheckovResult[];
  /** Files checkov could not parse (so did not scan): always an error. */
  readonly parsingErrors: readonly string[];
}

/** One accepted finding of engines/checkov/suppressions.yaml. */
export interface CheckovSuppression {
  readonly check: string;
  /**
   * The object as checkov names it (Terraform addresses resolved to `type.name`); `*` matches any run of characters,
   * so `Deployment.argocd.*` covers every Deployment of that namespace and `*` alone every object.
   */
  readonly object: string;
  /** Only findings in this scanned folder (`dist/terraform`, `dist/k8s`, `.build/helm`). @default - any */
  readonly target?: string;
  /** One sentence a reviewer can judge: why the check does not apply, or why the finding is accepted. */
  readonly reason: string;
}

interface RawCheck {
  check_id?: unknown;
  check_name?: unknown;
  resource?: unknown;
  file_path?: unknown;
}
interface RawReport {
  check_type?: unknown;
  results?: { passed_checks?: RawCheck[]; failed_checks?: RawCheck[]; parsing_errors?: unknown[] };
}

/** Reads checkov's `-o json` output: one report, or a list of them when several frameworks ran. */
export function parseCheckovJson(text: string): CheckovRun {
  const parsed = JSON.parse(text) as RawReport | RawReport[];
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const convert = (framework: string, raw: RawCheck): CheckovResult => ({
    framework,
    checkId: String(raw.check_id),
    checkName: String(raw.check_name),
    resource: String(raw.resource),
    file: String(raw.file_path),
  });
  const passed: CheckovResult[] = [];
  const failed: CheckovResult[] = [];
  const parsingErrors: string[] = [];
  for (const report of reports) {
    const framework = typeof report.check_type === 'string' ? report.check_type : '?';
    passed.push(...(report.results?.passed_checks ?? []).map((c) => convert(framework, c)));
    failed.push(...(report.results?.failed_checks ?? []).map((c) => convert(framework, c)));
    parsingErrors.push(...(report.results?.parsing_errors ?? []).map(String));
  }
  return { passed, failed, parsingErrors };
}

/** The folders `make scan` hands to checkov. */
export const TARGETS: readonly string[] = ['dist/terraform', 'dist/k8s', '.build/helm'];

function globMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}$`).test(value);
}

/** Reads the suppression file; throws naming the entry that lacks a check, an object or a reason. */
export function loadCheckovSuppressions(file: string): CheckovSuppression[] {
  const parsed = parseYaml(fs.readFileSync(file, 'utf8')) as { suppressions?: unknown } | null;
  const entries = parsed?.suppressions ?? [];
  if (!Array.isArray(entries)) {
    throw new Error(`${file}: suppressions must be a list`);
  }
  return entries.map((entry: unknown, i) => {
    const { check, object, reason, target } = (entry ?? {}) as Record<string, unknown>;
    if (typeof check !== 'string' || !/^CKV2?_[A-Z0-9]+_\d+$/.test(check)) {
      throw new Error(`${file}: suppressions[${i}].check must be a checkov check id like CKV_AWS_18`);
    }
    if (typeof object !== 'string' || object === '') {
      throw new Error(`${file}: suppressions[${i}] (${check}).object must name the object, or be '*'`);
    }
    if (typeof reason !== 'string' || reason.trim().split(/\s+/).length < 6) {
      throw new Error(
        `${file}: suppressions[${i}] (${check} ${object}).reason must be a sentence a reviewer can judge`,
      );
    }
    if (target !== undefined && !TARGETS.includes(target as string)) {
      throw new Error(
        `${file}: suppressions[${i}] (${check} ${object}).target must be one of ${TARGETS.join(', ')}`,
      );
    }
    return {
      check,
      object,
      reason: reason.trim(),
      ...(target === undefined ? {} : { target: target as string }),
    };
  });
}

/** Splits the failed checks into suppressed and unexplained ones, and names suppressions that matched nothing. */
export function applySuppressions(
  failed: readonly CheckovResult[],
  suppressions: readonly CheckovSuppression[],
): { suppressed: CheckovResult[]; unexplained: CheckovResult[]; unused: CheckovSuppression[] } {
  const used = new Set<CheckovSuppression>();
  const suppressed: CheckovResult[] = [];
  const unexplained: CheckovResult[] = [];
  for (const result of failed) {
    const match = suppressions.find(
      (s) =>
        s.check === result.checkId &&
        globMatches(s.object, result.resource) &&
        (s.target === undefined || result.file.startsWith(`${s.target}/`)),
    );
    if (match === undefined) {
      unexplained.push(result);
    } else {
      used.add(match);
      suppressed.push(result);
    }
  }
  return { suppressed, unexplained, unused: suppressions.filter((s) => !used.has(s)) };
}
