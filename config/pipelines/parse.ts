/**
 * The parse step of the pipeline loader: a pipeline file's text → its YAML document → a {@link PipelineDocument}
 * checked against the schema (config/pipelines/schema.ts). Cross-field and cross-file checks follow in check.ts and
 * check-jobs.ts, resolution to the model k8s/ sees in resolve.ts.
 */
import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { Problems, show, suggest } from './problems';
import { PipelineSchema, allowedKeysAt, type PipelineDocument } from './schema';

/** What to do about a YAML syntax error, by the yaml library's error code. */
const SYNTAX_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'remove or rename one of the two keys',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BLOCK_AS_IMPLICIT_KEY: "quote the value, it contains ': '",
  MULTILINE_IMPLICIT_KEY: "quote the value, it contains ': '",
  default: 'check the indentation (items of one list or mapping start in the same column; spaces, not tabs)',
};

/** The value at `keys` inside the parsed YAML, or undefined. */
export function valueAt(input: unknown, keys: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeIssue(problems: Problems, input: unknown, issue: z.core.$ZodIssue): void {
  const keys = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(keys);
    for (const key of issue.keys) {
      const guess = suggest(key, allowed);
      problems.add(
        [...keys, key],
        `unknown field; ${guess === undefined ? 'remove it or check the spelling' : `did you mean '${guess}'?`} ` +
          `Allowed fields here are: ${allowed.join(', ')}`,
        true,
      );
    }
    return;
  }
  if (issue.code === 'invalid_key') {
    const reason = issue.issues.map((i) => i.message).join('; ');
    problems.add(keys, `key ${show(keys[keys.length - 1])} is not allowed: ${reason}`, true);
    return;
  }
  const value = valueAt(input, keys);
  if (value === undefined) {
    problems.add(keys, `missing; ${issue.message}`);
  } else if (issue.code === 'custom' && issue.params?.sentence === true) {
    problems.add(keys, `${show(value)} ${issue.message}`);
  } else {
    problems.add(keys, `${show(value)} is not allowed: ${issue.message}`);
  }
}

/** The pipeline name a file must declare: its base name without .yaml/.yml. */
export function expectedName(file: string): string {
  return path.posix.basename(file).replace(/\.ya?ml$/, '');
}

/**
 * A pipeline file's YAML value with the collector that points problems at its lines; without `input` when the file is
 * empty or not YAML (then `problems` holds the one line that says so: later syntax errors are mostly consequences of
 * the first, reported alone).
 */
export function readYaml(file: string, text: string): { problems: Problems; input?: NonNullable<unknown> } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const [error] = doc.errors;
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const more = doc.errors.length > 1 ? ` (${doc.errors.length - 1} more after it; fix this one first)` : '';
    const problems = new Problems(file);
    problems.addRaw(
      `line ${line}, column ${col}: YAML syntax error: ${error.message.split('\n')[0]}; ` +
        `${SYNTAX_HINTS[error.code] ?? SYNTAX_HINTS.default}${more}`,
    );
    return { problems };
  }
  const input: unknown = doc.toJS();
  const problems = new Problems(file, doc, lineCounter);
  if (input === null || input === undefined) {
    problems.add(
      [],
      `the file is empty; start with name: ${expectedName(file)}, description:, owner: and jobs:`,
    );
    return { problems };
  }
  return { problems, input };
}

/** The document when it matches the pipeline schema; otherwise undefined after reporting every schema issue. */
export function validateSchema(problems: Problems, input: unknown): PipelineDocument | undefined {
  const result = PipelineSchema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) describeIssue(problems, input, issue);
  return undefined;
}
