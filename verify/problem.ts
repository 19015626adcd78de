import * as path from 'node:path';

/** One thing wrong with dist/: where it is and what to do about it. */
export interface Problem {
  /** The file, relative to the report root (the repository root for the committed dist/), with `/` separators. */
  readonly file: string;
  /** The object in the file: `Kind/name` for Kubernetes, the resource address or JSON path for Terraform. */
  readonly object: string;
  /** What is wrong, in one line. */
  readonly message: string;
}

/** `file` relative to `root`, with `/` separators whatever the platform, so reports compare across machines. */
export function relativePosix(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

function compare(a: string, b: string): number {
  // Code-unit order, not localeCompare: the order must not depend on the machine's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The problems sorted by file, object and message, without exact duplicates. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const key = (p: Problem): readonly string[] => [p.file, p.object, p.message];
  const sorted = [...problems].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    const differs = ka.findIndex((k, i) => k !== kb[i]);
    return differs < 0 ? 0 : compare(ka[differs], kb[differs]);
  });
  return sorted.filter(
    (p, i) =>
      i === 0 ||
      p.file !== sorted[i - 1].file ||
      p.object !== sorted[i - 1].object ||
      p.message !== sorted[i - 1].message,
  );
}

/** Formats a path of object keys and array indexes as `spec.templates[0].name` (keys that are not identifiers quoted). */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else {
      out += `[${JSON.stringify(segment)}]`;
    }
  }
  return out;
}
