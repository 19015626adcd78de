import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type UpstreamFile, UPSTREAM_CACHE_DIR, UPSTREAM_CRDS, UPSTREAM_FILES } from '../config';

/** The repository root (the parent of verify/); never `process.cwd()`, so every command works from any directory. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** The shared mirror of the pinned upstream files, next to the repository. */
export const DEFAULT_MIRROR_DIR = path.resolve(REPO_ROOT, '../shared/upstream');

/** Where `make cache` puts the pinned upstream files (git-ignored). */
export const DEFAULT_CACHE_DIR = path.join(REPO_ROOT, UPSTREAM_CACHE_DIR);

/** Versions file copied along with the pinned files when the mirror has it. */
const VERSIONS_FILE = 'versions.json';

/** Thrown when the cache, or one file the caller needs from it, is absent. */
export class UpstreamCacheError extends Error {
  /** @param message what is missing and what to run */
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamCacheError';
  }
}

/**
 * True when `text` is a git symlink checked out as a plain file: one line holding a relative path to a YAML file.
 * Karpenter's chart CRDs are symlinks, so a mirror made from a checkout without symlink support holds these stubs.
 */
export function isSymlinkStub(text: string): boolean {
  if (text.length > 4096) {
    return false;
  }
  const line = text.trim();
  if (
    line === '' ||
    line.includes('\n') ||
    path.isAbsolute(line) ||
    !/^[\w.@+-]+(\/[\w.@+-]+)*\.ya?ml$/.test(line)
  ) {
    return false;
  }
  try {
    return typeof parseYaml(line) === 'string';
  } catch {
    return false;
  }
}

/** The pinned file `relPath` read from the cache; throws an {@link UpstreamCacheError} naming `make cache` when absent. */
export function readCachedUpstream(relPath: string, cacheDir: string = DEFAULT_CACHE_DIR): string {
  assertCacheExists(cacheDir);
  const file = path.join(cacheDir, relPath);
  if (!fs.existsSync(file)) {
    throw new UpstreamCacheError(`${relPath} is not in the upstream cache ${cacheDir}; run \`make cache\``);
  }
  const text = fs.readFileSync(file, 'utf8');
  if (isSymlinkStub(text)) {
    throw new UpstreamCacheError(
      `${relPath} in the upstream cache ${cacheDir} is a git symlink stub, not the file; delete it and run \`make cache\``,
    );
  }
  return text;
}

/** One pinned CRD and whether the cache holds it. */
export interface CachedCrd {
  /** The key in `UPSTREAM_CRDS`, the kind in camelCase (`sparkApplication`). */
  readonly key: string;
  /** The pinned file. */
  readonly file: UpstreamFile;
  /** Absolute path of the cached copy, or undefined when the cache lacks it (e.g. filled offline). */
  readonly cachedPath?: string;
}

/**
 * Every pinned CRD with its cached path when present, in `UPSTREAM_CRDS` order. Throws an
 * {@link UpstreamCacheError} when the cache directory is missing or holds none of them.
 */
export function cachedCrds(cacheDir: string = DEFAULT_CACHE_DIR): CachedCrd[] {
  assertCacheExists(cacheDir);
  const crds = Object.entries(UPSTREAM_CRDS).map(([key, file]): CachedCrd => {
    const cachedPath = path.join(cacheDir, file.path);
    return isRealFile(cachedPath) ? { key, file, cachedPath } : { key, file };
  });
  if (crds.every((crd) => crd.cachedPath === undefined)) {
    throw new UpstreamCacheError(
      `the upstream cache ${cacheDir} holds none of the pinned CRDs; run \`make cache\``,
    );
  }
  return crds;
}

function assertCacheExists(cacheDir: string): void {
  if (!fs.existsSync(cacheDir)) {
    throw new UpstreamCacheError(`the upstream cache ${cacheDir} does not exist; run \`make cache\``);
  }
}

function isRealFile(file: string): boolean {
  return fs.existsSync(file) && fs.statSync(file).isFile() && !isSymlinkStub(fs.readFileSync(file, 'utf8'));
}

/** Downloads a URL as text; injectable so tests never touch the network. */
export type FetchText = (url: string, timeoutMs: number) => Promise<string>;

/** Options of {@link fillUpstreamCache}. */
export interface FillCacheOptions {
  /**
   * The local mirror to copy from.
   * @default - ../shared/upstream next to the repository
   */
  readonly mirrorDir?: string;
  /**
   * The cache to fill.
   * @default - <repo>/.cache/upstream
   */
  readonly cacheDir?: string;
  /**
   * The files to cache.
   * @default - every file in `UPSTREAM_FILES`
   */
  readonly files?: readonly UpstreamFile[];
  /**
   * How to download a file the mirror lacks.
   * @default - Node's global fetch
   */
  readonly fetchText?: FetchText;
  /**
   * Download timeout per file, in milliseconds.
   * @default 20000
   */
  readonly timeoutMs?: number;
}

/** What {@link fillUpstreamCache} did. */
export interface FillCacheResult {
  /** Files now in the cache that came from the mirror (including unchanged ones). */
  readonly fromMirror: readonly string[];
  /** Of `fromMirror`, those whose cached copy already had identical content. */
  readonly unchanged: readonly string[];
  /** Files downloaded from their pinned URL. */
  readonly downloaded: readonly string[];
  /** Files neither source provided but that an earlier run had cached (the path pins the version). */
  readonly kept: readonly string[];
  /** Files neither source provided, each with a one-line reason naming both sources. */
  readonly unavailable: readonly { readonly path: string; readonly reason: string }[];
  /** Whether versions.json was copied (or already identical). */
  readonly versionsCopied: boolean;
}

/** Node's global fetch with a timeout, failing on any non-2xx status. */
export const defaultFetchText: FetchText = async (url, timeoutMs) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) {
    throw new Error(`HTTP ${response.status} ${response.statusText}`);
  }
  return response.text();
};

/**
 * Fills the cache: each file from the mirror when it holds the real file, else from its pinned URL; a file that
 * neither source provides is reported, not fatal, so an offline machine still gets every other schema.
 */
export async function fillUpstreamCache(options: FillCacheOptions = {}): Promise<FillCacheResult> {
  const mirrorDir = options.mirrorDir ?? DEFAULT_MIRROR_DIR;
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const files = options.files ?? UPSTREAM_FILES;
  const fetchText = options.fetchText ?? defaultFetchText;
  const timeoutMs = options.timeoutMs ?? 20_000;

  const fromMirror: string[] = [];
  const unchanged: string[] = [];
  const downloaded: string[] = [];
  const kept: string[] = [];
  const unavailable: { path: string; reason: string }[] = [];

  // Downloads run in parallel so an offline machine waits for one timeout, not one per file.
  await Promise.all(
    files.map(async (file) => {
      const target = path.join(cacheDir, file.path);
      const mirrored = readMirrored(path.join(mirrorDir, file.path));
      if (mirrored.content !== undefined) {
        fromMirror.push(file.path);
        if (!writeIfChanged(target, mirrored.content)) {
          unchanged.push(file.path);
        }
        return;
      }
      if (isRealFile(target)) {
        kept.push(file.path);
        return;
      }
      // A stub copied into the cache by an earlier, naive copy is not the file: drop it so nothing reads it.
      if (fs.existsSync(target)) {
        makeWritable(path.dirname(target));
        fs.rmSync(target, { force: true });
      }
      try {
        const text = await fetchText(file.url, timeoutMs);
        checkDownloaded(text);
        writeIfChanged(target, Buffer.from(text, 'utf8'));
        downloaded.push(file.path);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        const cause =
          error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
        unavailable.push({
          path: file.path,
          reason: `${displayPath(path.join(mirrorDir, file.path))} ${mirrored.why}; download ${file.url} failed: ${why}${cause}`,
        });
      }
    }),
  );

  const versions = readMirrored(path.join(mirrorDir, VERSIONS_FILE)).content;
  if (versions !== undefined) {
    writeIfChanged(path.join(cacheDir, VERSIONS_FILE), versions);
  }

  const sorted = (list: string[]): string[] => [...list].sort();
  return {
    fromMirror: sorted(fromMirror),
    unchanged: sorted(unchanged),
    downloaded: sorted(downloaded),
    kept: sorted(kept),
    unavailable: [...unavailable].sort((a, b) => (a.path < b.path ? -1 : 1)),
    versionsCopied: versions !== undefined,
  };
}

/** The one-line summary `make cache` prints, with the mirror shown relative to the repository. */
export function summarizeFill(result: FillCacheResult, mirrorDir: string = DEFAULT_MIRROR_DIR): string {
  const mirror = displayPath(mirrorDir);
  const parts = [
    `${result.fromMirror.length} copied from ${mirror} (${result.unchanged.length} already up to date)`,
    `${result.downloaded.length} downloaded`,
  ];
  if (result.kept.length > 0) {
    parts.push(`${result.kept.length} kept from an earlier download`);
  }
  const unavailable = result.unavailable.map((u) => u.path);
  parts.push(
    `${unavailable.length} unavailable${unavailable.length > 0 ? `: ${unavailable.join(', ')}` : ''}`,
  );
  return `upstream cache: ${parts.join(', ')}`;
}

function readMirrored(file: string): { content?: Buffer; why: string } {
  if (!fs.existsSync(file)) {
    return { why: 'does not exist' };
  }
  const content = fs.readFileSync(file);
  if (isSymlinkStub(content.toString('utf8'))) {
    return { why: 'is a git symlink stub, not the file' };
  }
  return { content, why: '' };
}

function checkDownloaded(text: string): void {
  if (isSymlinkStub(text)) {
    throw new Error('the URL serves a git symlink stub, not the file');
  }
  const parsed: unknown = parseYaml(text, { maxAliasCount: -1 });
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('the response is not a YAML mapping');
  }
}

/** Writes `content` unless the file already holds exactly that; returns whether it wrote. */
function writeIfChanged(target: string, content: Buffer): boolean {
  if (fs.existsSync(target) && fs.readFileSync(target).equals(content)) {
    return false;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  makeWritable(path.dirname(target));
  // Write then rename so an interrupted run never leaves a truncated schema behind.
  const temporary = `${target}.partial`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, target);
  return true;
}

/** A copy made with `cp -r` from the read-only mirror leaves read-only folders behind; reopen them for writing. */
function makeWritable(dir: string): void {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    fs.chmodSync(dir, 0o755);
  }
}

/** A path as the user should see it: relative to the repository, with `/` separators. */
function displayPath(file: string): string {
  return path.relative(REPO_ROOT, file).split(path.sep).join('/');
}
