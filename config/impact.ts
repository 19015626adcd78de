// `make impact [BASE=<git ref>]`: what the working tree changes against BASE (default: the merge base with main), as
// Markdown on stdout (for a pull-request comment) and in .build/impact/impact.md and impact.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentsForCli } from './cli';
import { PipelineError } from './pipelines/load';
import { defaultBase, impactReport, renderImpactMarkdown } from './pipelines/impact';

const REPO_ROOT = path.resolve(__dirname, '..');
const OUT = path.join(REPO_ROOT, '.build', 'impact');

try {
  const base =
    process.argv[2] !== undefined && process.argv[2] !== '' ? process.argv[2] : defaultBase(REPO_ROOT);
  // Dataset names depend on the environment; the first one names them alike on both sides.
  const [env] = environmentsForCli(undefined);
  const report = impactReport(REPO_ROOT, base, env);
  const markdown = renderImpactMarkdown(report);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'impact.md'), markdown);
  fs.writeFileSync(path.join(OUT, 'impact.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(markdown);
} catch (error) {
  const message =
    error instanceof PipelineError
      ? `${error.message}\nimpact: fix the pipelines of the working tree first`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
