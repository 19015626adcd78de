import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CACHE_DIR, DEFAULT_MIRROR_DIR, UpstreamCacheError } from './upstream-cache';

/**
 * Pinned Helm charts as released (`charts/<chart>-<version>/`: Chart.yaml, values.yaml, values.schema.json when the
 * chart ships one, templates/, dependencies under charts/). They come from the shared mirror only: this workplace
 * reaches no Helm repository, so there is no download fallback, and a missing chart is reported by name.
 */
export const CHARTS_DIR = 'charts';

/** The cached folder of one chart, `<cache>/charts/<chart>-<version>`. */
export function chartDir(chart: string, version: string, cacheDir: string = DEFAULT_CACHE_DIR): string {
  return path.join(cacheDir, CHARTS_DIR, `${chart}-${version}`);
}

/** The cached chart folder; throws an {@link UpstreamCacheError} naming the mirror path and `make cache` when absent. */
export function requireChartDir(
  chart: string,
  version: string,
  cacheDir: string = DEFAULT_CACHE_DIR,
): string {
  const dir = chartDir(chart, version, cacheDir);
  if (!fs.existsSync(path.join(dir, 'Chart.yaml'))) {
    throw new UpstreamCacheError(
      `chart ${chart} ${version} is not in the upstream cache (${path.join(CHARTS_DIR, `${chart}-${version}`)}); ` +
        `put the released chart in ../shared/upstream/${CHARTS_DIR}/${chart}-${version}/ and run \`make cache\``,
    );
  }
  return dir;
}

/** What {@link fillChartCache} did. */
export interface ChartFillResult {
  /** Chart folders copied (`<chart>-<version>`), sorted. */
  readonly copied: readonly string[];
}

/**
 * Copies every chart folder of the mirror into the cache, replacing what the cache held (the mirror is read-only in
 * CI, so copied folders are reopened for writing). A mirror without charts copies nothing.
 */
export function fillChartCache(
  mirrorDir: string = DEFAULT_MIRROR_DIR,
  cacheDir: string = DEFAULT_CACHE_DIR,
): ChartFillResult {
  const source = path.join(mirrorDir, CHARTS_DIR);
  if (!fs.existsSync(source)) {
    return { copied: [] };
  }
  const copied: string[] = [];
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      continue;
    }
    const target = path.join(cacheDir, CHARTS_DIR, entry.name);
    if (fs.existsSync(target)) {
      makeTreeWritable(target);
      fs.rmSync(target, { recursive: true, force: true });
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.cpSync(path.join(source, entry.name), target, { recursive: true, dereference: true });
    makeTreeWritable(target);
    copied.push(entry.name);
  }
  return { copied: copied.sort() };
}

function makeTreeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      makeTreeWritable(file);
    } else {
      fs.chmodSync(file, 0o644);
    }
  }
}
