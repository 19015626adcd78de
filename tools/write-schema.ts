import * as fs from 'node:fs';
import * as path from 'node:path';
import * as prettier from 'prettier';
import { SCHEMA_FILE, pipelineJsonSchema } from '../config';

const REPO_ROOT = path.resolve(__dirname, '..');

/** The text of etl/pipeline.schema.json as generated from the zod schema, formatted as `make lint` expects. */
export async function renderSchemaFile(): Promise<string> {
  const target = path.join(REPO_ROOT, SCHEMA_FILE);
  const options = (await prettier.resolveConfig(target)) ?? {};
  return prettier.format(JSON.stringify(pipelineJsonSchema()), { ...options, parser: 'json' });
}

// `make schema` (`npx tsx tools/write-schema.ts`) rewrites the file; importing this module (tests) does not.
if (require.main === module) {
  void renderSchemaFile().then((text) => {
    fs.writeFileSync(path.join(REPO_ROOT, SCHEMA_FILE), text);
    console.log(`schema: ${SCHEMA_FILE} written`);
  });
}
