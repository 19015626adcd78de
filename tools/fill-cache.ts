/**
 * `make cache`: copies the pinned upstream CRDs, schemas and Helm charts into .cache/upstream from the shared mirror, downloading
 * what the mirror lacks. Prints one warning per unavailable file and a summary; exits 0 even when some are missing,
 * because verify reports exactly which kinds it then cannot check.
 */
import { fillChartCache, DEFAULT_MIRROR_DIR, fillUpstreamCache, summarizeFill } from '../verify';

async function main(): Promise<void> {
  const result = await fillUpstreamCache();
  for (const { path, reason } of result.unavailable) {
    console.warn(`warning: ${path} unavailable: ${reason}`);
  }
  console.log(summarizeFill(result, DEFAULT_MIRROR_DIR));
  const charts = fillChartCache();
  console.log(
    `upstream cache: ${charts.copied.length} Helm charts copied (${charts.copied.join(', ') || 'none'})`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
