/**
 * Writes the customer-scd2 sample extracts (committed; a test checks they match this generator):
 *
 *   npx tsx etl/sample-data/generate-contacts.ts [output folder]
 *
 * The default folder is etl/jobs/customer-scd2/data/, which pipelines reference as
 * `asset:jobs/customer-scd2/data/contacts_initial.csv` and `…/contacts_delta.csv`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateContacts, toCsv } from './contacts';

/** The sample's folder, relative to the repository root. */
export const SAMPLE_DATA_DIR = 'etl/jobs/customer-scd2/data';

/** File name → content of the sample extracts. */
export function sampleFiles(): Record<string, string> {
  const { initial, delta } = generateContacts();
  return { 'contacts_initial.csv': toCsv(initial), 'contacts_delta.csv': toCsv(delta) };
}

function main(outDir: string): void {
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, content] of Object.entries(sampleFiles())) {
    fs.writeFileSync(path.join(outDir, name), content);
    console.log(`wrote ${path.join(outDir, name)}`);
  }
}

// Only when run as a script, so the test can import sampleFiles without writing anything.
if (process.argv[1] !== undefined && path.basename(process.argv[1]) === 'generate-contacts.ts') {
  main(process.argv[2] ?? path.resolve(__dirname, '../..', SAMPLE_DATA_DIR));
}
