/**
 * `make bench`: medians over BENCH_RUNS runs (default 5, after one warm-up run each) of
 * - a full synth of every shipped environment run directly, as `make synth` runs it (the prebundled apps of
 *   .build/bundle, both apps in parallel), and the same synth through the cdktf and cdk8s CLIs (their outputs must
 *   be byte-identical);
 * - `make verify` over the committed dist/;
 * - `make synth` + `make verify` of a generated scale case in a temporary copy of the repository (never committed):
 *   BENCH_SIZES pipelines (default 50,250,500) of 4 jobs each, with the time per pipeline and the peak memory (the
 *   largest sum of the resident sets of the Node processes running at once);
 * printed as one table with ratios. Then the wall time of `make run-local PIPELINE=customer-scd2-sql` (a local Spark
 * run, after `make local-env`), BENCH_LOCAL_RUNS times (default 1; 0 skips it). Writes only under .build/bench and
 * the OS temp folder. A benchmark, never a test: nothing here fails on a time.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SOURCE_ENTRIES, digestTree } from '../test-support/temp-repo';

const root = path.resolve(__dirname, '..');
const out = path.join(root, '.build', 'bench');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const runs = Number(process.env.BENCH_RUNS ?? '5');
const sizes = (process.env.BENCH_SIZES ?? '50,250,500')
  .split(',')
  .filter((s) => s.trim() !== '')
  .map(Number);

/** Every Node process started under the bench appends `<maxRSS in KiB> <start ms> <end ms>` here (see MEMORY_HOOK). */
const memoryLog = path.join(os.tmpdir(), `sql-etl-on-eks-bench-${process.pid}.rss`);
const MEMORY_HOOK = path.join(os.tmpdir(), `sql-etl-on-eks-bench-${process.pid}.cjs`);

interface Step {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly cwd?: string;
}

interface Command {
  readonly label: string;
  /** Groups run one after the other; the steps of a group run in parallel (as make runs both apps). */
  readonly groups: readonly (readonly Step[])[];
}

function run(label: string, step: Step, measureMemory = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(step.cmd, [...step.args], {
      cwd: step.cwd ?? root,
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: '1',
        ...(measureMemory ? { NODE_OPTIONS: `--require ${MEMORY_HOOK}` } : {}),
        ...step.env,
      },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${label}: '${step.cmd} ${step.args.join(' ')}' failed:\n${output.slice(-4000)}`)),
    );
  });
}

async function timeOnce(command: Command, measureMemory = false): Promise<number> {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'k8s'), { recursive: true });
  const start = process.hrtime.bigint();
  for (const group of command.groups) {
    await Promise.all(group.map((step) => run(command.label, step, measureMemory)));
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, min and max of `runs` timed runs after one warm-up run. */
async function measure(command: Command): Promise<{ median: number; min: number; max: number }> {
  await timeOnce(command);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeOnce(command));
  const result = { median: median(times), min: Math.min(...times), max: Math.max(...times) };
  // Progress, so a long run shows where it is (the table follows at the end).
  console.log(`  ${command.label}: ${times.map((t) => t.toFixed(2)).join(', ')} s`);
  return result;
}

const bundle = (name: string) => path.join(root, '.build', 'bundle', `${name}.js`);
const node = (script: string, env: Record<string, string> = {}): Step => ({
  cmd: process.execPath,
  args: ['--max-semi-space-size=32', script],
  env,
});
const direct: Command = {
  label: 'synth, direct (as make synth)',
  groups: [
    [node(bundle('check'))],
    [
      node(bundle('infra'), { CDKTF_OUTDIR: path.join(out, 'terraform') }),
      node(bundle('k8s'), { CDK8S_OUTDIR: path.join(out, 'k8s'), LINEAGE_OUTDIR: path.join(out, 'lineage') }),
    ],
  ],
};
const clis: Command = {
  label: 'synth, cdktf + cdk8s CLIs',
  groups: [
    [
      { cmd: bin('cdktf'), args: ['synth', '--output', path.join(out, 'terraform')] },
      { cmd: bin('cdk8s'), args: ['synth', '--output', path.join(out, 'k8s'), '--no-check-upgrade'] },
    ],
  ],
};
const make = (cwd: string, target: string): Step => ({
  cmd: 'make',
  args: ['--no-print-directory', '-s', target],
  cwd,
  env: { ENVIRONMENTS: '' },
});
const verify: Command = { label: 'make verify (dist/)', groups: [[make(root, 'verify')]] };

/** The entries of a repository copy that synth and verify read (node_modules is linked). */
const COPIED = SOURCE_ENTRIES;

/**
 * A copy of the repository whose etl/pipelines holds `count` generated pipelines and nothing else: each is the
 * customer-scd2-sql sample (three SQL jobs and a pyspark job, a DAG, a schedule, asset parameters) with its own
 * name, SQL files and tables, so every pipeline is compiled, hashed and synthesized on its own.
 */
function scaleCopy(count: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sql-etl-on-eks-bench-${count}-`));
  for (const entry of COPIED) fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // The pinned upstream files (make cache): the copy has no ../shared/upstream beside it.
  fs.cpSync(path.join(root, '.cache', 'upstream'), path.join(dir, '.cache', 'upstream'), { recursive: true });
  const pipelines = path.join(dir, 'etl', 'pipelines');
  for (const file of fs.readdirSync(pipelines)) {
    if (/\.ya?ml$/.test(file)) fs.rmSync(path.join(pipelines, file));
  }
  const sample = fs.readFileSync(path.join(root, 'etl', 'pipelines', 'customer-scd2-sql.yaml'), 'utf8');
  const sqlDir = path.join(root, 'etl', 'jobs', 'customer-scd2-sql');
  const sqlFiles = fs.readdirSync(sqlDir).filter((f) => f.endsWith('.sql'));
  for (let i = 1; i <= count; i++) {
    const name = `scale-${String(i).padStart(4, '0')}`;
    const table = name.replace(/-/g, '_');
    const jobs = path.join(dir, 'etl', 'jobs', name);
    fs.mkdirSync(jobs, { recursive: true });
    for (const file of sqlFiles) {
      const text = fs.readFileSync(path.join(sqlDir, file), 'utf8').replace(/customer_sql/g, table);
      fs.writeFileSync(path.join(jobs, file), text);
    }
    fs.writeFileSync(
      path.join(pipelines, `${name}.yaml`),
      sample
        .replace(/^name: customer-scd2-sql$/m, `name: ${name}`)
        .replace(/customer-scd2-sql\//g, `${name}/`)
        .replace(/customer_sql\//g, `${table}/`)
        .replace(/contacts_scd2_sql/g, `${table}_contacts`),
    );
  }
  return dir;
}

/** Peak memory of a run: the largest sum of max resident sets over Node processes whose lifetimes overlap (MiB). */
function peakMemory(): number {
  const entries = fs.existsSync(memoryLog)
    ? fs
        .readFileSync(memoryLog, 'utf8')
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split(' ').map(Number))
    : [];
  // Sweep over start and end events; an end at the same instant as a start is taken first.
  const events = entries
    .flatMap(([kib, start, end]) => [
      { at: start, delta: kib },
      { at: end, delta: -kib },
    ])
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let peak = 0;
  let current = 0;
  for (const event of events) {
    current += event.delta;
    peak = Math.max(peak, current);
  }
  return peak / 1024;
}

interface ScaleResult {
  readonly pipelines: number;
  readonly jobs: number;
  readonly synth: number;
  readonly verify: number;
  readonly total: number;
  readonly cold: number;
  readonly peakMiB: number;
}

async function scale(count: number): Promise<ScaleResult> {
  const dir = scaleCopy(count);
  try {
    const synth: Command = { label: `scale ${count}: make synth`, groups: [[make(dir, 'synth')]] };
    const check: Command = { label: `scale ${count}: make verify`, groups: [[make(dir, 'verify')]] };
    // The first run in a fresh copy builds the bundles and fills the compile and schema caches.
    const cold = (await timeOnce(synth)) + (await timeOnce(check));
    const synthTimes: number[] = [];
    const verifyTimes: number[] = [];
    const totals: number[] = [];
    let peakMiB = 0;
    for (let i = 0; i < runs; i++) {
      fs.rmSync(memoryLog, { force: true });
      const s = await timeOnce(synth, true);
      const v = await timeOnce(check, true);
      peakMiB = Math.max(peakMiB, peakMemory());
      synthTimes.push(s);
      verifyTimes.push(v);
      totals.push(s + v);
    }
    const jobs = fs
      .readdirSync(path.join(dir, 'etl', 'pipelines'))
      .filter((f) => /\.ya?ml$/.test(f))
      .reduce(
        (sum, f) =>
          sum +
          (fs.readFileSync(path.join(dir, 'etl', 'pipelines', f), 'utf8').match(/^ {2}- id: /gm) ?? [])
            .length,
        0,
      );
    console.log(
      `  scale ${count}: first run ${cold.toFixed(2)} s; synth + verify ${totals.map((t) => t.toFixed(2)).join(', ')} s; ` +
        `peak ${peakMiB.toFixed(0)} MiB`,
    );
    return {
      pipelines: count,
      jobs,
      synth: median(synthTimes),
      verify: median(verifyTimes),
      total: median(totals),
      cold,
      peakMiB,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  fs.writeFileSync(
    MEMORY_HOOK,
    `const fs = require('node:fs'); const start = Date.now();\n` +
      `process.on('exit', () => fs.appendFileSync(${JSON.stringify(memoryLog)}, ` +
      '`${process.resourceUsage().maxRSS} ${start} ${Date.now()}\\n`));\n',
  );
  // The bundles direct runs use, brought up to date as `make synth` would.
  await run('bundles', {
    cmd: 'make',
    args: [
      '--no-print-directory',
      '-s',
      ...['check', 'infra', 'k8s', 'verify'].map((n) => `.build/bundle/${n}.js`),
    ],
  });
  const load = os.loadavg()[0];
  const synthDirect = await measure(direct);
  const synthClis = await measure(clis);
  // The CLIs must produce exactly what the direct run produces (same entry points); compare the last outputs.
  await timeOnce(clis);
  const viaCli = digestTree(out);
  await timeOnce(direct);
  const identical = viaCli === digestTree(out);
  const verifyDist = await measure(verify);
  const scaled: ScaleResult[] = [];
  for (const count of sizes) scaled.push(await scale(count));
  fs.rmSync(out, { recursive: true, force: true });

  const environments = fs.readdirSync(path.join(root, 'dist', 'k8s')).join(', ');
  const shipped = fs
    .readdirSync(path.join(root, 'etl', 'pipelines'))
    .filter((f) => /\.ya?ml$/.test(f)).length;
  const s = (x: number) => `${x.toFixed(2)} s`;
  const rows: string[][] = [
    ['what', 'median', 'min', 'max', 'ratio'],
    [
      `synth direct (${environments}; ${shipped} pipelines)`,
      s(synthDirect.median),
      s(synthDirect.min),
      s(synthDirect.max),
      '1.00x',
    ],
    [
      'synth through the cdktf + cdk8s CLIs',
      s(synthClis.median),
      s(synthClis.min),
      s(synthClis.max),
      `${(synthClis.median / synthDirect.median).toFixed(2)}x the direct synth`,
    ],
    ['make verify (dist/)', s(verifyDist.median), s(verifyDist.min), s(verifyDist.max), ''],
  ];
  console.log(
    `make bench: ${runs} runs each after a warm-up; 1-minute load average at the start ${load.toFixed(2)}`,
  );
  console.log(table(rows));
  console.log(`CLI output identical to the direct synth: ${identical ? 'yes' : 'NO'}`);
  if (scaled.length > 0) {
    console.log(
      `\nscale case (a temporary copy; etl/pipelines replaced by N generated pipelines of 4 jobs; both environments)`,
    );
    console.log(
      table([
        [
          'pipelines',
          'jobs',
          'make synth',
          'make verify',
          'synth + verify',
          'per pipeline',
          'first run',
          'peak memory',
        ],
        ...scaled.map((r) => [
          String(r.pipelines),
          String(r.jobs),
          s(r.synth),
          s(r.verify),
          s(r.total),
          `${((r.total / r.pipelines) * 1000).toFixed(1)} ms`,
          s(r.cold),
          `${r.peakMiB.toFixed(0)} MiB`,
        ]),
      ]),
    );
  }

  const localRuns = Number(process.env.BENCH_LOCAL_RUNS ?? '1');
  if (localRuns > 0) {
    const local: Command = {
      label: 'make run-local PIPELINE=customer-scd2-sql',
      groups: [[{ cmd: 'make', args: ['--no-print-directory', 'run-local', 'PIPELINE=customer-scd2-sql'] }]],
    };
    const localTimes: number[] = [];
    for (let i = 0; i < localRuns; i++) localTimes.push(await timeOnce(local));
    console.log(
      `\n${local.label}: median ${median(localTimes).toFixed(2)} s over ${localRuns} run(s) ` +
        `(min ${Math.min(...localTimes).toFixed(2)}, max ${Math.max(...localTimes).toFixed(2)})`,
    );
  }
  fs.rmSync(out, { recursive: true, force: true });
}

/** Rows as an aligned plain-text table, the first row a header. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => {
    fs.rmSync(memoryLog, { force: true });
    fs.rmSync(MEMORY_HOOK, { force: true });
  });
