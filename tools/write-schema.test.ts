import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { SCHEMA_FILE } from '../config';
import { REPO_ROOT } from '../test-support/temp-repo';
import { renderSchemaFile } from './write-schema';

test('etl/pipeline.schema.json is what `make schema` generates from the zod schema', async () => {
  const committed = fs.readFileSync(path.join(REPO_ROOT, SCHEMA_FILE), 'utf8');
  expect(committed, 'run `make schema` and commit the result').toBe(await renderSchemaFile());
});
