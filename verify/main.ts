/**
 * `make verify`: `tsx verify/main.ts [distDir]` checks a synthesized dist/ (default: the repository's) against the
 * schemas, the cross-layer reference checks and the policy rules, prints one line per problem, then a summary, and
 * writes reports/verify.json and reports/verify-junit.xml. Exits 1 when there is any problem, 2 when it cannot run (no
 * dist/, no cache).
 */
import * as path from 'node:path';
import { writeReports } from './report';
import { RULES } from './rules';
import { formatProblem, formatSummary, verifyDist } from './run';
import { REPO_ROOT } from './upstream-cache';

function main(argv: readonly string[]): number {
  const distDir = argv[0] === undefined ? path.join(REPO_ROOT, 'dist') : path.resolve(argv[0]);
  // Report files relative to the repository when checking its dist/, else relative to the folder holding distDir.
  const reportRoot = path.dirname(distDir);
  try {
    const result = verifyDist(distDir, {
      reportRoot,
      policy: { rules: RULES, suppressionsFile: path.join(REPO_ROOT, 'verify', 'suppressions.yaml') },
      references: true,
    });
    for (const problem of result.problems) {
      console.log(formatProblem(problem));
    }
    console.log(formatSummary(result));
    const reports = writeReports(path.join(REPO_ROOT, 'reports'), result);
    console.log(
      `reports: ${path.relative(REPO_ROOT, reports.json)}, ${path.relative(REPO_ROOT, reports.junit)}`,
    );
    return result.problems.length === 0 ? 0 : 1;
  } catch (error) {
    console.error(`verify: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
