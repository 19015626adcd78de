/**
 * `make bench`: median wall time of a full synth (every environment, both apps) run directly, as make does, and
 * through the cdktf and cdk8s CLIs, plus verify; prints the medians and ratios. Writes only under .build/bench.
 * Runs: BENCH_RUNS (default 5). Then the wall time of `make run-local PIPELINE=customer-scd2-sql` (a local Spark run of
 * the SQL sample, after `make local-env`), BENCH_LOCAL_RUNS times (default 1: a run takes about a minute).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { digestTree } from './testing/temp-repo';

const root = path.resolve(__dirname, '..');
const out = path.join(root, '.build', 'bench');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const runs = Number(process.env.BENCH_RUNS ?? '5');

interface Step {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
}

interface Command {
  readonly label: string;
  /** Groups run one after the other; the steps of a group run in parallel (as make runs both apps). */
  readonly groups: readonly (readonly Step[])[];
}

function run(label: string, step: Step): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(step.cmd, [...step.args], {
      cwd: root,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', ...step.env },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${label}: '${step.cmd} ${step.args.join(' ')}' failed:\n${output}`)),
    );
  });
}

async function timeOnce(command: Command): Promise<number> {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'k8s'), { recursive: true });
  const start = process.hrtime.bigint();
  for (const group of command.groups) {
    await Promise.all(group.map((step) => run(command.label, step)));
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const tsx = bin('tsx');
const direct: Command = {
  label: 'synth (direct, as make runs it)',
  groups: [
    [{ cmd: tsx, args: ['config/check.ts'] }],
    [
      { cmd: tsx, args: ['infra/main.ts'], env: { CDKTF_OUTDIR: path.join(out, 'terraform') } },
      { cmd: tsx, args: ['k8s/main.ts'], env: { CDK8S_OUTDIR: path.join(out, 'k8s') } },
    ],
  ],
};
const clis: Command = {
  label: 'synth (cdktf + cdk8s CLIs)',
  groups: [
    [
      { cmd: bin('cdktf'), args: ['synth', '--output', path.join(out, 'terraform')] },
      { cmd: bin('cdk8s'), args: ['synth', '--output', path.join(out, 'k8s'), '--no-check-upgrade'] },
    ],
  ],
};
const verify: Command = {
  label: 'verify (dist/)',
  groups: [[{ cmd: tsx, args: ['verify/main.ts', 'dist'] }]],
};

async function main(): Promise<void> {
  const results = new Map<string, number>();
  for (const command of [direct, clis, verify]) {
    await timeOnce(command); // warm-up: file cache and tsx's transform cache
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await timeOnce(command));
    results.set(command.label, median(times));
    console.log(
      `${command.label.padEnd(34)} median ${median(times).toFixed(2)} s over ${runs} runs (min ${Math.min(...times).toFixed(2)}, max ${Math.max(...times).toFixed(2)})`,
    );
  }
  // The CLIs must produce exactly what make produces (same entry points); compare the last outputs.
  await timeOnce(clis);
  const viaCli = digestTree(out);
  await timeOnce(direct);
  const viaMake = digestTree(out);
  console.log(`CLI output identical to direct output: ${viaCli === viaMake ? 'yes' : 'NO'}`);
  const ratio = results.get(clis.label)! / results.get(direct.label)!;
  console.log(`ratio CLIs / direct: ${ratio.toFixed(2)}x`);
  console.log(
    `synth + verify (direct): ${(results.get(direct.label)! + results.get(verify.label)!).toFixed(2)} s ` +
      `(environments: ${fs
        .readdirSync(path.join(root, 'dist', 'k8s'))
        .join(
          ', ',
        )}; pipelines: ${fs.readdirSync(path.join(root, 'etl', 'pipelines')).filter((f) => /\.ya?ml$/.test(f)).length})`,
  );
  fs.rmSync(out, { recursive: true, force: true });

  const localRuns = Number(process.env.BENCH_LOCAL_RUNS ?? '1');
  const local: Command = {
    label: 'make run-local PIPELINE=customer-scd2-sql',
    groups: [[{ cmd: 'make', args: ['--no-print-directory', 'run-local', 'PIPELINE=customer-scd2-sql'] }]],
  };
  const localTimes: number[] = [];
  for (let i = 0; i < localRuns; i++) localTimes.push(await timeOnce(local));
  console.log(
    `${local.label.padEnd(34)} median ${median(localTimes).toFixed(2)} s over ${localRuns} run(s) ` +
      `(min ${Math.min(...localTimes).toFixed(2)}, max ${Math.max(...localTimes).toFixed(2)})`,
  );
  fs.rmSync(out, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
