// `make synth` runs this first, so a config or pipeline error is reported once, before either app starts; then it
// records new asset keys in the ledger, which the apps read and never write.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { checkEnvironmentSyntax, unlistedEnvironmentProblems } from './environment-syntax';

const REPO_ROOT = path.resolve(__dirname, '..');

// The environment files are TypeScript modules: a syntax error would stop the import below with a stack trace, so
// they are parsed first and a mistake is reported with its file, line and column.
const syntax = checkEnvironmentSyntax(REPO_ROOT);
if (syntax.length > 0) {
  process.stderr.write(`${syntax.join('\n')}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const { LEDGER_FILE, updateLedger } = await import('./assets');
  const { environmentsForCli } = await import('./cli');
  const { pipelinesForCli } = await import('./pipelines/cli');
  const { arcNotice } = await import('./pipelines/docs');
  const { writeSparkRuntimePins } = await import('./spark-runtime-pins');

  const { environmentSources } = await import('./environments');
  const unlisted = unlistedEnvironmentProblems(
    REPO_ROOT,
    environmentSources.map((source) => source.file),
  );
  if (unlisted.length > 0) {
    process.stderr.write(`${unlisted.join('\n')}\n`);
    process.exit(1);
  }
  const envs = environmentsForCli(process.env.ENVIRONMENTS);
  // Validation does not depend on the environment; resolving asset URIs per environment is the apps' job.
  const pipelines = pipelinesForCli(REPO_ROOT);
  const names = pipelines.map((p) => p.name).join(', ');
  console.log(
    `config: ${envs.map((env) => env.name).join(', ')} valid; ` +
      (pipelines.length === 0 ? 'no pipelines in etl/pipelines/' : `pipelines: ${names} valid`),
  );
  const notice = arcNotice(pipelines);
  if (notice !== undefined) console.log(notice);
  // Lineage the SQL compile step could not derive (dynamic SQL, pyspark jobs without inputs:/outputs:).
  for (const warning of pipelines.flatMap((p) => p.jobs.flatMap((job) => job.lineage?.warnings ?? [])))
    console.log(warning);

  // The image's Dockerfile and jars.txt and the local environment's requirements follow config/spark-runtime.ts;
  // they are part of the image content version, so they are brought up to date before either app hashes them.
  let pinned: string[];
  try {
    pinned = writeSparkRuntimePins(REPO_ROOT);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  if (pinned.length > 0)
    console.log(`pins: wrote ${pinned.join(', ')} from config/spark-runtime.ts; commit them`);

  let ledger: { changed: boolean; added: number };
  try {
    ledger = updateLedger(REPO_ROOT);
  } catch (error) {
    // The message names the file and the fix; a stack trace would bury it.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  if (ledger.changed) {
    console.log(
      ledger.added > 0
        ? `assets: ledger gained ${ledger.added} ${ledger.added === 1 ? 'version' : 'versions'}; commit ${LEDGER_FILE}`
        : `assets: ${LEDGER_FILE} rewritten in its generated layout; commit it`,
    );
  }
}

/**
 * An error thrown while an environment file runs (its syntax was checked above): the file, line and column from the
 * stack, then the error, without the stack, which would only show the loader's frames. Any other error keeps its
 * stack: it is a bug of the kit, and the stack is what a report needs.
 */
function environmentRuntimeError(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.stack === undefined) return undefined;
  const frame = /(config\/environments\/[A-Za-z0-9_-]+\.ts):(\d+):(\d+)/.exec(error.stack);
  if (frame === null) return undefined;
  return (
    `${frame[1]}: line ${frame[2]}, column ${frame[3]}: ${error.name}: ${error.message} (while the environment ` +
    'file ran; an environment file is a plain object passed to defineEnvironment: fix the expression there)'
  );
}

main().catch((error: unknown) => {
  const located = environmentRuntimeError(error);
  if (located === undefined && error instanceof Error && /\.build\/bundle\//.test(error.stack ?? '')) {
    // The prebundled check (make synth) only knows bundle positions: run the check from its sources once more, where
    // the stack names the environment file, line and column. Only on this error path; a second failure is final.
    if (process.env.SQLETL_CHECK_FROM_SOURCES !== '1') {
      const rerun = spawnSync(
        path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
        [path.join(REPO_ROOT, 'config/check.ts')],
        {
          stdio: 'inherit',
          env: { ...process.env, SQLETL_CHECK_FROM_SOURCES: '1' },
        },
      );
      process.exit(rerun.status ?? 1);
    }
  }
  process.stderr.write(
    `${located ?? (error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
  );
  process.exit(1);
});
