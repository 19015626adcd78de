import * as fs from 'node:fs';
import { parse } from 'yaml';
import type { Problem } from '../problem';
import { formatPath, relativePosix } from '../problem';
import { asArray, asObject } from './model';

/** One allow-list entry: its string fields (a mandatory `reason` among them) and its position. */
export interface AllowEntry {
  readonly index: number;
  readonly fields: Readonly<Record<string, string>>;
}

/** A parsed allow-list and what is wrong with it. */
export interface AllowList {
  readonly file: string;
  readonly entries: readonly AllowEntry[];
  readonly problems: readonly Problem[];
}

/**
 * Reads `<listKey>: [...]` from a YAML file: each entry a mapping with the `required` string fields, optional ones
 * from `optional`, and a non-empty `reason` (an allowed exception without a reason is a problem, never a skip).
 */
export function readAllowList(
  file: string,
  reportRoot: string,
  listKey: string,
  required: readonly string[],
  optional: readonly string[] = [],
): AllowList {
  const report = relativePosix(reportRoot, file);
  const problems: Problem[] = [];
  let json: unknown;
  try {
    json = parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { file: report, entries: [], problems: [{ file: report, object: '(file)', message }] };
  }
  const list = asObject(json)?.[listKey];
  if (!Array.isArray(list)) {
    problems.push({ file: report, object: listKey, message: `${listKey} must be a list (use [] for none)` });
  }
  const entries: AllowEntry[] = [];
  asArray(list).forEach((value, index) => {
    const entry = asObject(value);
    const object = formatPath([listKey, index]);
    const missing = [...required, 'reason'].filter(
      (key) => typeof entry?.[key] !== 'string' || entry[key].trim() === '',
    );
    const unknown = Object.keys(entry ?? {}).filter(
      (key) => ![...required, ...optional, 'reason'].includes(key),
    );
    if (entry === undefined || missing.length > 0 || unknown.length > 0) {
      problems.push({
        file: report,
        object,
        message:
          `each entry needs the strings ${[...required, 'reason'].join(', ')}` +
          (optional.length === 0 ? '' : ` (optional: ${optional.join(', ')})`) +
          (missing.length === 0 ? '' : `; missing: ${missing.join(', ')}`) +
          (unknown.length === 0 ? '' : `; unknown: ${unknown.join(', ')}`),
      });
      return;
    }
    const fields = Object.fromEntries(
      Object.entries(entry).filter((kv): kv is [string, string] => typeof kv[1] === 'string'),
    );
    entries.push({ index, fields });
  });
  return { file: report, entries, problems };
}

/** A problem for an entry that matched nothing: the exception it allowed is gone, so the entry must go too. */
export function staleEntry(list: AllowList, listKey: string, entry: AllowEntry, what: string): Problem {
  return {
    file: list.file,
    object: formatPath([listKey, entry.index]),
    message: `stale entry: no manifest of dist/ references ${what}; remove it`,
  };
}
