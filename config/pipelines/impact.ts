import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EnvironmentConfig } from '../environment';
import {
  datasetKey,
  downstreamJobs,
  lineageGraph,
  type Dataset,
  type LineageGraph,
  type LineageJob,
} from './lineage';
import { JOBS_DIR, PipelineError, loadPipelines } from './load';
import type { JobSpec, PipelineSpec } from './model';

/**
 * `make impact`: what a change does, for a pull request. The pipelines of a base revision (its etl/, read with `git
 * archive`) and of the working tree are loaded with the same environment; jobs whose files, parameters, size, limits
 * or dependencies differ (and pipelines whose schedule differs) are the changed ones; the datasets they write and every
 * job downstream of them (through the lineage graph, transitively, across pipelines) are what the change touches; the
 * files of dist/ that differ from the base are what a reviewer reads next.
 */

/** One changed job (or a job only on one side). */
export interface ChangedJob {
  readonly pipeline: string;
  readonly job: string;
  /** What changed: 'added', 'removed', 'file etl/jobs/…', 'parameters (NAME)', 'size', … */
  readonly reasons: readonly string[];
  /** Datasets it writes (labels), after the change (before it, for a removed job). */
  readonly writes: readonly string[];
}

/** A job that reads what a changed job writes, directly or further down. */
export interface DownstreamJob {
  readonly pipeline: string;
  readonly job: string;
  /** The datasets it reads that a changed or downstream job writes (labels). */
  readonly reads: readonly string[];
}

/** The report, as `make impact` prints (Markdown) and writes (JSON) it. */
export interface ImpactReport {
  readonly base: string;
  /** Pipeline-level changes: schedule, concurrency, added, removed. */
  readonly pipelines: readonly { readonly pipeline: string; readonly reasons: readonly string[] }[];
  readonly changed: readonly ChangedJob[];
  readonly downstream: readonly DownstreamJob[];
  /** `git diff --name-status` of dist/ against the base (plus new files), e.g. 'M dist/k8s/dev/README.md'. */
  readonly dist: readonly string[];
  /** Why parts of the report are missing (a base whose pipelines the current loader rejects). */
  readonly notes: readonly string[];
}

function git(repoRoot: string, args: readonly string[], input?: Buffer): Buffer {
  const result = spawnSync('git', [...args], { cwd: repoRoot, input, maxBuffer: 1 << 30 });
  if (result.status !== 0) {
    throw new Error(`git ${args.join(' ')} failed: ${result.stderr.toString().trim()}`);
  }
  return result.stdout;
}

/** The default base: the merge base of HEAD with main (or origin/main). */
export function defaultBase(repoRoot: string): string {
  for (const branch of ['main', 'origin/main']) {
    const result = spawnSync('git', ['merge-base', 'HEAD', branch], { cwd: repoRoot });
    if (result.status === 0) return result.stdout.toString().trim();
  }
  throw new Error(
    "impact: no branch 'main' to compare with; give the base revision: make impact BASE=<git ref>",
  );
}

/** Extracts etl/ of `base` into a temporary folder (removed by the caller). */
function checkoutEtl(repoRoot: string, base: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'impact-base-'));
  const listed = git(repoRoot, ['ls-tree', '--name-only', base, 'etl']).toString().trim();
  if (listed === '') return dir;
  const archive = git(repoRoot, ['archive', '--format=tar', base, 'etl']);
  const result = spawnSync('tar', ['-x', '-C', dir], { input: archive });
  if (result.status !== 0)
    throw new Error(`impact: could not unpack etl/ of ${base}: ${result.stderr.toString()}`);
  return dir;
}

function readJobFile(root: string, file: string): string | undefined {
  const absolute = path.join(root, JOBS_DIR, file);
  return fs.existsSync(absolute) ? fs.readFileSync(absolute, 'utf8') : undefined;
}

/** Why `after` differs from `before` (empty: unchanged). */
function jobReasons(before: JobSpec, after: JobSpec, baseRoot: string, repoRoot: string): string[] {
  const reasons: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (before.runtime !== after.runtime) reasons.push(`runtime ${before.runtime} → ${after.runtime}`);
  if (!same(before.files, after.files)) reasons.push('job files');
  for (const file of after.files) {
    if (before.files.includes(file) && readJobFile(baseRoot, file) !== readJobFile(repoRoot, file)) {
      reasons.push(`file ${JOBS_DIR}/${file}`);
    }
  }
  const names = [...new Set([...Object.keys(before.parameters), ...Object.keys(after.parameters)])].sort();
  const changedParameters = names.filter((n) => before.parameters[n] !== after.parameters[n]);
  if (changedParameters.length > 0) reasons.push(`parameters (${changedParameters.join(', ')})`);
  if (before.size !== after.size || !same(before.resources, after.resources))
    reasons.push(`size (${after.size})`);
  if (!same(before.sparkConf, after.sparkConf)) reasons.push('sparkConf');
  if (before.arcEnvironment !== after.arcEnvironment) reasons.push('Arc environment');
  if (before.retries !== after.retries || before.timeoutSeconds !== after.timeoutSeconds)
    reasons.push('limits');
  if (!same(before.dependsOn, after.dependsOn)) reasons.push('dependencies');
  if (!same(before.tests ?? [], after.tests ?? [])) reasons.push('data tests');
  if (
    !same(before.lineage?.inputs, after.lineage?.inputs) ||
    !same(before.lineage?.outputs, after.lineage?.outputs)
  ) {
    if (reasons.length === 0) reasons.push('inputs/outputs');
  }
  return reasons;
}

function scheduleReasons(before: PipelineSpec, after: PipelineSpec): string[] {
  const reasons: string[] = [];
  if (JSON.stringify(before.schedule) !== JSON.stringify(after.schedule)) {
    reasons.push(`schedule (${before.schedule?.cron ?? 'manual'} → ${after.schedule?.cron ?? 'manual'})`);
  }
  if (before.concurrencyPolicy !== after.concurrencyPolicy) reasons.push('concurrencyPolicy');
  return reasons;
}

const labels = (datasets: readonly Dataset[]) => datasets.map((d) => d.label);

/** The impact report of the working tree of `repoRoot` against `base`, with `env`'s values. */
export function impactReport(repoRoot: string, base: string, env: EnvironmentConfig): ImpactReport {
  const resolved = git(repoRoot, ['rev-parse', '--verify', `${base}^{commit}`])
    .toString()
    .trim();
  const notes: string[] = [];
  const current = loadPipelines(repoRoot, env);
  const baseRoot = checkoutEtl(repoRoot, resolved);
  let previous: PipelineSpec[] = [];
  try {
    previous = loadPipelines(baseRoot, env);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    notes.push(
      `the pipelines of ${base} do not load with the current rules (${error.problems.length} problems), so every ` +
        'job counts as changed',
    );
  }
  const after = lineageGraph(current, env);
  const before = lineageGraph(previous, env);
  const find = (graph: LineageGraph, pipeline: string, job: string): LineageJob | undefined =>
    graph.jobs.find((j) => j.pipeline.name === pipeline && j.job.id === job);

  const pipelines: { pipeline: string; reasons: string[] }[] = [];
  const changed: ChangedJob[] = [];
  const start: LineageJob[] = [];
  const names = [...new Set([...current, ...previous].map((p) => p.name))].sort();
  for (const name of names) {
    const now = current.find((p) => p.name === name);
    const then = previous.find((p) => p.name === name);
    if (now === undefined || then === undefined) {
      pipelines.push({ pipeline: name, reasons: [now === undefined ? 'removed' : 'added'] });
    } else {
      const reasons = scheduleReasons(then, now);
      if (reasons.length > 0) pipelines.push({ pipeline: name, reasons });
    }
    const ids = [...new Set([...(now?.jobs ?? []), ...(then?.jobs ?? [])].map((j) => j.id))];
    for (const id of ids) {
      const jobNow = now?.jobs.find((j) => j.id === id);
      const jobThen = then?.jobs.find((j) => j.id === id);
      const reasons =
        jobNow === undefined
          ? ['removed']
          : jobThen === undefined
            ? ['added']
            : jobReasons(jobThen, jobNow, baseRoot, repoRoot);
      if (reasons.length === 0) continue;
      const node = jobNow === undefined ? find(before, name, id) : find(after, name, id);
      changed.push({
        pipeline: name,
        job: id,
        reasons,
        writes: node === undefined ? [] : labels(node.outputs),
      });
      // Downstream of a removed job: who reads what it wrote (still in the graph after the change).
      if (jobNow !== undefined) start.push(find(after, name, id)!);
      else if (node !== undefined) start.push({ ...node, inputs: [] });
    }
  }
  fs.rmSync(baseRoot, { recursive: true, force: true });

  const writtenByChange = new Set(start.flatMap((j) => j.outputs.map(datasetKey)));
  const graphWithRemoved: LineageGraph = {
    ...after,
    jobs: [...after.jobs, ...start.filter((j) => !after.jobs.includes(j))],
  };
  const reached = downstreamJobs(graphWithRemoved, start);
  const upstream = new Set([...writtenByChange, ...reached.flatMap((d) => d.outputs.map(datasetKey))]);
  const downstream = reached
    .filter((j) => !changed.some((c) => c.pipeline === j.pipeline.name && c.job === j.job.id))
    .map((job) => ({
      pipeline: job.pipeline.name,
      job: job.job.id,
      reads: labels(job.inputs.filter((d) => upstream.has(datasetKey(d)))),
    }));

  const diff = git(repoRoot, ['diff', '--name-status', '--no-renames', resolved, '--', 'dist'])
    .toString()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/\t/, ' '));
  const untracked = git(repoRoot, ['ls-files', '--others', '--exclude-standard', '--', 'dist'])
    .toString()
    .split('\n')
    .filter((line) => line !== '')
    .map((file) => `A ${file}`);
  return {
    base,
    pipelines,
    changed,
    downstream,
    dist: [...diff, ...untracked].sort((a, b) => a.slice(2).localeCompare(b.slice(2))),
    notes,
  };
}

/** Every job the change touches: changed and downstream, as `pipeline/job`. */
export function affectedJobs(report: ImpactReport): string[] {
  return [
    ...report.changed.map((c) => `${c.pipeline}/${c.job}`),
    ...report.downstream.map((d) => `${d.pipeline}/${d.job}`),
  ];
}

/** The report as Markdown, for a pull-request comment. */
export function renderImpactMarkdown(report: ImpactReport): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const list = (items: readonly string[]) =>
    items.length === 0 ? '—' : items.map((i) => `\`${cell(i)}\``).join(', ');
  const lines = [`## Impact of this change (against \`${report.base}\`)`, ''];
  if (report.changed.length === 0 && report.pipelines.length === 0) {
    lines.push('No pipeline, job, parameter, size or schedule changed.', '');
  }
  if (report.pipelines.length > 0) {
    lines.push('### Pipelines', '', '| Pipeline | What changed |', '| --- | --- |');
    lines.push(...report.pipelines.map((p) => `| ${p.pipeline} | ${cell(p.reasons.join('; '))} |`), '');
  }
  if (report.changed.length > 0) {
    lines.push(
      '### Changed jobs',
      '',
      '| Pipeline | Job | What changed | Writes |',
      '| --- | --- | --- | --- |',
    );
    lines.push(
      ...report.changed.map(
        (c) => `| ${c.pipeline} | ${c.job} | ${cell(c.reasons.join('; '))} | ${list(c.writes)} |`,
      ),
      '',
    );
  }
  if (report.downstream.length > 0) {
    lines.push(
      '### Downstream jobs',
      '',
      'They read what the changed jobs write (directly or through other jobs); their next run sees the change.',
      '',
      '| Pipeline | Job | Reads |',
      '| --- | --- | --- |',
    );
    lines.push(...report.downstream.map((d) => `| ${d.pipeline} | ${d.job} | ${list(d.reads)} |`), '');
  }
  lines.push(`### dist/ files that change (${report.dist.length})`, '');
  if (report.dist.length === 0) lines.push('None (run `make synth` if you changed config/ or etl/).');
  else lines.push('```', ...report.dist, '```');
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => `> ${n}`));
  return `${lines.join('\n').trimEnd()}\n`;
}
