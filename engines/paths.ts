import * as fs from 'node:fs';
import * as path from 'node:path';
export const REPO = path.resolve(__dirname, '..');
export const BIN = path.join(REPO, '.cache/engines/bin');
export function engineBinary(name: string): string {
  const file = path.join(BIN, name);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing; run \`make engines\``);
  return file;
}
