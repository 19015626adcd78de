/** One value in dist/ that depends on the synth run rather than on config/ and etl/. */
export interface Leak {
  /** Where the value sits, as object keys and array indexes from the document root. */
  readonly path: readonly (string | number)[];
  /** What leaked and why it matters. */
  readonly message: string;
}

/** Options of {@link findLeaks}. */
export interface LeakScanOptions {
  /** The repository's absolute path; any value containing it was written from this checkout. */
  readonly repoRoot: string;
  /**
   * The home directory of whoever synthesized.
   * @default - not checked
   */
  readonly homeDir?: string;
  /**
   * Also flag well-known local path prefixes (`/home/<user>/`, `/Users/<user>/`, `/root/`, `/tmp/`, `/work/`, `C:\`)
   * in single-line strings, except where the predicate (when given) says the value describes another machine.
   * Multi-line strings are documents for the machine that runs them (Helm values, buildspecs, scripts), where such
   * paths are legitimate; so are Kubernetes manifests, where `/tmp/` or `/home/jovyan/` are paths inside containers.
   * @default false
   */
  readonly localPathPrefixes?: boolean | ((at: readonly (string | number)[]) => boolean);
}

// cdktf encodes unresolved string, list and map tokens with these markers; cdk8s and the CDK core use `${Token[`.
const TOKEN_MARKER = /[$#&]\{(Tf)?Token\[[^\]]*\]\}/;

// What may precede an absolute path in a value: start, whitespace, quotes, separators, or a file:// scheme. This is
// what keeps `s3://bucket/tmp/x`, ARNs and `/aws/eks/<cluster>/cluster` log group names from matching.
const BEFORE_PATH = String.raw`(?:^|[\s"'\x60=,;:(\[{<>]|file://)`;
const LOCAL_PREFIXES = String.raw`(?:/home/[^/\s"']+/|/Users/[^/\s"']+/|/root/|/tmp/|/work/|/var/folders/|/private/var/|[A-Za-z]:\\)`;
const LOCAL_PATH = new RegExp(`${BEFORE_PATH}(${LOCAL_PREFIXES}[^\\s"']*)`);

/**
 * Every string or number in `value` that could only have come from the machine or the run that synthesized it:
 * unresolved cdktf/cdk8s tokens and absolute local paths. Walks objects and arrays in key order.
 */
export function findLeaks(value: unknown, options: LeakScanOptions): Leak[] {
  const exact = [options.repoRoot, options.homeDir]
    .filter((dir): dir is string => dir !== undefined && dir.length > 1)
    .map(
      (dir) =>
        new RegExp(
          `${BEFORE_PATH}(${escapeRegExp(dir.replace(/[\\/]+$/, ''))}(?:[\\\\/][^\\s"']*)?)(?![\\w.-])`,
        ),
    );
  const leaks: Leak[] = [];
  const walk = (node: unknown, at: (string | number)[]): void => {
    if (typeof node === 'string') {
      const prefixes = options.localPathPrefixes ?? false;
      const checkPrefixes =
        !node.includes('\n') && (typeof prefixes === 'function' ? prefixes(at) : prefixes);
      const message = describeString(node, exact, checkPrefixes);
      if (message !== undefined) {
        leaks.push({ path: at, message });
      }
    } else if (typeof node === 'number') {
      if (isNumberToken(node)) {
        leaks.push({
          path: at,
          message: `holds an unresolved cdktf number token (${node}): a numeric token was used where a plain number was needed`,
        });
      }
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...at, i]));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
        walk(child, [...at, key]);
      }
    }
  };
  walk(value, []);
  return leaks;
}

function describeString(text: string, exact: readonly RegExp[], localPrefixes: boolean): string | undefined {
  const token = TOKEN_MARKER.exec(text);
  if (token !== null) {
    return (
      `holds the unresolved token ${token[0]}: a token was turned into a string where it could not be resolved; ` +
      'derive the value from config/ (or use Fn/Token helpers inside one stack)'
    );
  }
  const matches = [...exact, ...(localPrefixes ? [LOCAL_PATH] : [])].map((pattern) => pattern.exec(text));
  const found = matches.find((match) => match !== null);
  if (found !== undefined && found !== null) {
    const shown = found[1].length > 80 ? `${found[1].slice(0, 77)}...` : found[1];
    return (
      `holds the absolute local path "${shown}": dist/ must not depend on the machine that ran synth; ` +
      'use a path relative to the stack or a value from config/'
    );
  }
  return undefined;
}

/** cdktf encodes a number token as a NaN-adjacent double whose top 16 bits are 0xFDFF (0xFBFF for list tokens). */
function isNumberToken(value: number): boolean {
  const buffer = new DataView(new ArrayBuffer(8));
  buffer.setFloat64(0, value);
  const top = buffer.getUint16(0);
  return top === 0xfdff || top === 0xfbff;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
