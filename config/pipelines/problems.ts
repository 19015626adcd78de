/**
 * How the pipeline loader reports: one line per problem, naming the file, the field (and its YAML line), the bad value
 * and the fix. Shared by the parse and check steps (parse.ts, check.ts, check-jobs.ts).
 */
import { isMap, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { closest } from './suggest';

/**
 * One or more invalid pipeline definitions. Each line of the message names the file, the field, the bad value and
 * the fix; `problems` holds the lines.
 */
export class PipelineError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'PipelineError';
  }
}

/** A key of a path into a pipeline document: a field name or a list index. */
export type PathKey = string | number;

/** `jobs[2].dependsOn[0]`, `parameters.FOO`, `jobs[0].sparkConf["spark.sql.shuffle.partitions"]`. */
function formatPath(keys: readonly PropertyKey[]): string {
  return keys
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const text = String(key);
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(text)) return `[${JSON.stringify(text)}]`;
      return i === 0 ? text : `.${text}`;
    })
    .join('');
}

/** A value as a message quotes it: strings in single quotes, long values shortened, `missing` for none. */
export function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Suggestions ignore case, hyphens and underscores (`depends_on` → `dependsOn`). */
export const suggest = (word: string, candidates: readonly string[]) =>
  closest(word, candidates, { normalize: (s) => s.toLowerCase().replace(/[-_]/g, '') });

/** Collects the problems of one file, each with the line of the YAML node it concerns. */
export class Problems {
  readonly lines: string[] = [];

  constructor(
    private readonly file: string,
    private readonly doc?: Document,
    private readonly lineCounter?: LineCounter,
  ) {}

  /** `<file>: field <path>: <text> (line n)`; `keyOnly` points the line at the key (unknown fields). */
  add(keys: readonly PathKey[], text: string, keyOnly = false): void {
    const line = this.lineOf(keys, keyOnly);
    const field = keys.length === 0 ? '(top level)' : formatPath(keys);
    this.lines.push(`${this.file}: field ${field}: ${text}${line === undefined ? '' : ` (line ${line})`}`);
  }

  /** A problem without a field (YAML syntax, file system). */
  addRaw(text: string): void {
    this.lines.push(`${this.file}: ${text}`);
  }

  private lineOf(keys: readonly PathKey[], keyOnly: boolean): number | undefined {
    if (this.doc === undefined || this.lineCounter === undefined) return undefined;
    let node: unknown = this.doc.contents;
    let found = node as Node | null;
    for (const [i, key] of keys.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
        if (pair === undefined) break;
        node = keyOnly && i === keys.length - 1 ? pair.key : pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
      } else {
        break;
      }
      if (node !== null && typeof node === 'object' && 'range' in node) found = node as Node;
    }
    const offset = found?.range?.[0];
    return offset === undefined ? undefined : this.lineCounter.linePos(offset).line;
  }
}
