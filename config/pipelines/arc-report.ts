/** The input and the problem lines of the Arc lint, shared by its driver (arc-lint.ts) and its readers. */

/** One Arc job file as the loader sees it. */
export interface ArcJobInput {
  /** Repository root (to check referenced files). */
  readonly repoRoot: string;
  /** The job file, relative to the repository root (etl/jobs/…). */
  readonly file: string;
  readonly text: string;
  /** Pipeline and job parameters merged, names as written (with or without `ETL_CONF_`), values as written. */
  readonly parameters: Readonly<Record<string, string>>;
  /** The Arc environments the job runs in (every stage must list each); empty: not checked. */
  readonly environments: readonly string[];
  /** Why those environments, for messages: "job 'x' sets environment: production". */
  readonly environmentReason: string;
  /** Appended to every problem: which pipeline job runs the file. */
  readonly context: string;
}

/** A value as a message quotes it. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return text === undefined ? 'missing' : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Collects problems of one job file. */
export class Report {
  readonly lines: string[] = [];
  constructor(private readonly input: ArcJobInput) {}

  add(where: string, text: string): void {
    this.lines.push(`${this.input.file}: ${where}: ${text} (${this.input.context})`);
  }
}
