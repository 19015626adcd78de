// `make ledger-prune [LEDGER_BASE=main]`: see config/ledger-prune.ts for what is removed and why it is safe.
import * as path from 'node:path';
import { LEDGER_FILE } from './assets';
import { writePrunedLedger } from './ledger-prune';

const base = process.env.LEDGER_BASE ?? 'main';
try {
  const { removed } = writePrunedLedger(path.resolve(__dirname, '..'), base);
  if (removed.length === 0) {
    console.log(
      `ledger-prune: nothing to remove (every version is in ${base}'s ledger, committed, or current)`,
    );
  } else {
    console.log(`ledger-prune: removed ${removed.length} never-committed version(s) from ${LEDGER_FILE}:`);
    for (const line of removed) console.log(`  ${line}`);
    console.log("run 'make synth' and commit the ledger and dist/");
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
