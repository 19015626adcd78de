/**
 * The check step of the pipeline loader, for the pipeline as a whole: its name against its file, its owner against
 * the environment's teams, the job graph, and the limits of the cluster objects it becomes. The checks of each job's
 * files, parameters, lineage and data tests are in check-jobs.ts.
 */
import * as path from 'node:path';
import { environmentSources } from '../environments';
import { teamNames, type Team } from '../teams';
import {
  MAX_SPARK_APPLICATION_NAME,
  RESOURCE_SPARK_KEYS,
  TESTS_STEP_SUFFIX,
  WORKFLOW_NAME_SUFFIX_LENGTH,
  jobIdBudget,
} from './limits';
import { expectedName } from './parse';
import { SIZE_PRESETS } from './presets';
import type { Problems } from './problems';
import { show, suggest } from './problems';
import { MAX_NAME_LENGTH, isValidName, type JobDocument, type PipelineDocument } from './schema';

/**
 * The team `owner` names in `env`, or undefined after reporting an unknown one with the known names and a "did you
 * mean" among them (so the suggestion is always a valid owner).
 */
export function checkOwner(
  problems: Problems,
  env: { readonly name: string; readonly teams: readonly Pick<Team, 'name'>[] },
  owner: string,
): Team | undefined {
  const team = env.teams.find((t) => t.name === owner);
  if (team !== undefined) return team as Team;
  const guess = suggest(
    owner,
    env.teams.map((t) => t.name),
  );
  problems.add(
    ['owner'],
    `${show(owner)} is not a team of environment ${env.name}; ` +
      `${guess === undefined ? '' : `did you mean owner: ${guess}? `}` +
      `its teams are: ${teamNames(env.teams)} (declare a new team under teams: in config/environments/${env.name}.ts)`,
  );
  return undefined;
}

/**
 * Without an environment (`make synth`'s first check): the owner must be a team of every shipped environment, since
 * the pipeline is synthesized for each. Reports the first environment that lacks it; returns no team (the runtime
 * values stay the environment-wide ones).
 */
export function checkOwnerEverywhere(problems: Problems, owner: string): undefined {
  for (const source of environmentSources) {
    const teams = (source.input as { teams?: readonly { name?: unknown }[] }).teams ?? [];
    const names = teams.map((t) => t.name).filter((n): n is string => typeof n === 'string');
    if (names.includes(owner)) continue;
    const env = path.posix.basename(source.file, '.ts');
    checkOwner(problems, { name: env, teams: names.map((name) => ({ name })) }, owner);
    return undefined;
  }
  return undefined;
}

export function checkName(problems: Problems, file: string, name: unknown): void {
  const expected = expectedName(file);
  if (typeof name === 'string' && name !== expected) {
    // Offer only fixes that are valid themselves: never "rename the file to Daily-Revenue.yaml".
    const fixes = [
      ...(isValidName(expected) ? [`set name: ${expected}`] : []),
      ...(isValidName(name) ? [`rename the file to ${name}.yaml`] : []),
    ];
    problems.add(
      ['name'],
      `${show(name)} does not match the file name; ` +
        (fixes.length > 0
          ? fixes.join(' or ')
          : "rename the file to a valid pipeline name (lowercase letters, digits and '-', starting with a letter, " +
            `at most ${MAX_NAME_LENGTH} characters) and set name: to the same`),
    );
  }
}

/** Duplicate ids, unknown dependencies and cycles. */
export function checkDag(problems: Problems, jobs: readonly JobDocument[]): void {
  const firstIndex = new Map<string, number>();
  jobs.forEach((job, i) => {
    const first = firstIndex.get(job.id);
    if (first === undefined) firstIndex.set(job.id, i);
    else {
      problems.add(
        ['jobs', i, 'id'],
        `${show(job.id)} is already the id of jobs[${first}]; job ids must be unique in a pipeline, rename one`,
      );
    }
  });
  const ids = [...firstIndex.keys()];
  let unknown = false;
  jobs.forEach((job, i) =>
    job.dependsOn.forEach((dep, k) => {
      if (job.dependsOn.indexOf(dep) < k) {
        problems.add(['jobs', i, 'dependsOn', k], `${show(dep)} is listed twice; remove the duplicate`);
      } else if (dep === job.id) {
        unknown = true;
        problems.add(['jobs', i, 'dependsOn', k], `${show(dep)} is the job itself; remove it`);
      } else if (!firstIndex.has(dep)) {
        unknown = true;
        const guess = suggest(dep, ids);
        problems.add(
          ['jobs', i, 'dependsOn', k],
          `${show(dep)} is not a job of this pipeline; ${guess === undefined ? '' : `did you mean '${guess}'? `}` +
            `defined jobs are: ${ids.join(', ')}`,
        );
      }
    }),
  );
  // A cycle through an unknown or duplicate id would be a consequence of that problem; report it alone.
  if (unknown || firstIndex.size < jobs.length) return;
  for (const cycle of findCycles(jobs)) {
    // Point at the edge leaving the cycle's first job in file order.
    const start = cycle.indexOf(Math.min(...cycle));
    const ordered = [...cycle.slice(start), ...cycle.slice(0, start)];
    const from = jobs[ordered[0]];
    const to = jobs[ordered[1 % ordered.length]].id;
    const names = [...ordered, ordered[0]].map((i) => jobs[i].id);
    problems.add(
      ['jobs', ordered[0], 'dependsOn', from.dependsOn.indexOf(to)],
      `${show(to)} closes a dependency cycle (→ means 'depends on'): ${names.join(' → ')}; ` +
        'remove one of these dependencies',
    );
  }
}

/**
 * Limits the k8s layer would otherwise hit: the SparkApplication name `<workflow>-<job id>` (63 characters, the
 * workflow name being the pipeline's plus Argo's run suffix), and `<workflow>-<job id>-tests` for a job with data
 * tests, and Spark settings that size: and resources: own.
 */
export function checkClusterLimits(problems: Problems, pipeline: PipelineDocument): void {
  const budget = jobIdBudget(pipeline.name);
  // A job with data tests also names the step `<job id>-tests` (config/pipelines/data-tests.ts).
  const testsBudget = budget - TESTS_STEP_SUFFIX.length;
  pipeline.jobs.forEach((job, i) => {
    if (job.id.length > budget) {
      const total = pipeline.name.length + WORKFLOW_NAME_SUFFIX_LENGTH + 1 + job.id.length;
      problems.add(
        ['jobs', i, 'id'],
        `${show(job.id)} (${job.id.length} characters) makes the SparkApplication name '<run of ${pipeline.name}>-` +
          `${job.id}' ${total} characters long (pipeline name ${pipeline.name.length} + ${WORKFLOW_NAME_SUFFIX_LENGTH} ` +
          `for Argo's run suffix + 1 + job id); Kubernetes allows ${MAX_SPARK_APPLICATION_NAME}. ` +
          `Shorten the job id to at most ${budget} characters, or the pipeline name`,
      );
    } else if (job.tests.length > 0 && job.id.length > testsBudget) {
      problems.add(
        ['jobs', i, 'id'],
        `${show(job.id)} (${job.id.length} characters) with data tests makes the SparkApplication name '<run of ` +
          `${pipeline.name}>-${job.id}${TESTS_STEP_SUFFIX}' longer than Kubernetes' ${MAX_SPARK_APPLICATION_NAME} ` +
          `characters; shorten the job id to at most ${testsBudget} characters, or the pipeline name`,
      );
    }
    for (const key of RESOURCE_SPARK_KEYS) {
      if (!(key in job.sparkConf)) continue;
      problems.add(
        ['jobs', i, 'sparkConf', key],
        `is set by the job's size: or resources: (cores and memory become the pods' requests); remove it and ` +
          `use size: (${Object.keys(SIZE_PRESETS).join(', ')}) or resources: { driver: { cores, memory }, executor: ` +
          '{ cores, memory, minInstances, maxInstances } }',
        true,
      );
    }
  });
}

/** Every distinct cycle of the dependency graph, as job indexes in dependency order (a depends on b …). */
function findCycles(jobs: readonly JobDocument[]): number[][] {
  const index = new Map(jobs.map((job, i) => [job.id, i]));
  const state: ('new' | 'open' | 'done')[] = jobs.map(() => 'new');
  const stack: number[] = [];
  const seen = new Set<string>();
  const cycles: number[][] = [];
  const visit = (i: number): void => {
    state[i] = 'open';
    stack.push(i);
    for (const dep of jobs[i].dependsOn) {
      const j = index.get(dep)!;
      if (state[j] === 'open') {
        const cycle = stack.slice(stack.indexOf(j));
        const key = [...cycle].sort((a, b) => a - b).join(',');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (state[j] === 'new') {
        visit(j);
      }
    }
    stack.pop();
    state[i] = 'done';
  };
  jobs.forEach((_, i) => {
    if (state[i] === 'new') visit(i);
  });
  return cycles;
}
