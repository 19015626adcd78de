import * as fs from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TempRepo } from '../test-support/temp-repo';

// `make diff` is what CI or a reviewer runs to ask "is dist/ what the inputs produce?": its exit status must answer.
let repo: TempRepo;
beforeAll(() => {
  repo = TempRepo.create();
});
afterAll(() => repo.dispose());

test('make diff exits 0 when dist/ is what a fresh synth writes, and leaves dist/ alone', () => {
  const before = repo.digest('dist');
  const { status, output } = repo.make('diff');
  expect(output).toContain('diff: dist/ is up to date');
  expect(status).toBe(0);
  expect(repo.digest('dist')).toBe(before);
}, 180_000);

test('make diff exits non-zero and shows the change when dist/ would change', () => {
  // A hand edit of dist/ stands for any input change: either way dist/ differs from what synth writes.
  const report = repo.path('dist/cost/dev.md');
  fs.writeFileSync(report, fs.readFileSync(report, 'utf8').replace('## Idle: $', '## Idle: $1'));
  const before = repo.digest('dist');
  const { status, output } = repo.make('diff');
  expect(status).not.toBe(0);
  expect(output).toMatch(/^-## Idle: \$1/m);
  expect(output).toContain("diff: dist/ would change; run 'make synth' to apply");
  expect(repo.digest('dist')).toBe(before);
}, 180_000);
