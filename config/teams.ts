import { z } from 'zod';
import type { NODE_POOLS } from './scheduling';
import { TEAM_JOB_POOLS } from './scheduling';
import { S3_PREFIXES, WORKLOADS, type IdentityMechanism, type WorkloadIdentity } from './naming';

/**
 * Teams: several analyst teams share one platform, each with its own job namespace, data, identity, quotas and cost.
 * The schema of one team (part of the environment file) and the names every layer derives from it.
 */

/** A Cognito group name (1–128 characters, no whitespace; Cognito's rule). */
const cognitoGroup = z.string().regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u, {
  error: 'a Cognito group name is 1–128 characters without spaces, e.g. "analytics-engineers"',
});

/** A data-lake key prefix such as `teams/analytics/`: relative, ends in `/`, no `*`. */
const lakePrefix = z.string().regex(/^([a-z0-9][a-z0-9_.-]*\/)+$/, {
  error:
    'use a relative key prefix of lowercase letters, digits, "_", "." or "-" segments ending in "/", e.g. "teams/analytics/"',
});

/** A Glue database name (Glue/Athena rules, lower case). */
const glueDatabase = z.string().regex(/^[a-z][a-z0-9_]{0,254}$/, {
  error: 'use lowercase letters, digits and underscores, starting with a letter (Glue/Athena rules)',
});

/** Data a team owns: at least one prefix and one database. */
const ownedData = z.strictObject({
  /** Key prefixes in the data lake bucket; the first is where the team's jobs write (`${DATALAKE}`). */
  prefixes: z
    .array(lakePrefix)
    .min(1, { error: 'a team owns at least one prefix, e.g. ["teams/analytics/"]' }),
  /** Glue databases; the first is the team's `${GLUE_DATABASE}`. */
  databases: z
    .array(glueDatabase)
    .min(1, { error: 'a team owns at least one Glue database, e.g. ["analytics"]' }),
});

/** Data a team may read. */
const readData = z.strictObject({
  /** Key prefixes in the data lake bucket. @default [] */
  prefixes: z.array(lakePrefix).default([]),
  /** Glue databases. @default [] */
  databases: z.array(glueDatabase).default([]),
});

/** Kubernetes CPU as cores; memory as GiB: plain numbers, so sums and comparisons need no quantity parser. */
export const TeamSchema = z.strictObject({
  /** Team name: part of its namespace (`team-<name>`), node pools, roles and labels. */
  name: z.string().regex(/^[a-z][a-z0-9-]{1,18}[a-z0-9]$/, {
    error: 'use 3–20 lowercase letters, digits and "-", starting with a letter, e.g. "analytics"',
  }),
  /** Cognito groups whose users belong to the team (the identity stack creates them). */
  groups: z.strictObject({
    /** Members: view the team's workflows and logs, read-only notebooks on the team's data. */
    members: z.array(cognitoGroup).default([]),
    /** Engineers: submit and retry the team's workflows, notebooks with the team's read-write role. */
    engineers: z.array(cognitoGroup).min(1, {
      error:
        'a team needs at least one engineers group, else nobody can run or retry its pipelines; ' +
        'add e.g. engineers: ["<team>-engineers"]',
    }),
  }),
  /** Data the team owns (read-write): the first prefix and database are where its jobs write by default. */
  owns: ownedData,
  /** Data of other teams (or shared data) the team may read. @default - nothing */
  reads: readData.prefault({}),
  /** What the team's job namespace may hold at once (ResourceQuota). */
  quota: z.strictObject({
    /** vCPUs requested by all pods. */
    cpu: z.number().positive(),
    /** GiB of memory requested by all pods. */
    memoryGiB: z.number().positive(),
    /** Pods (drivers, executors, workflow pods). */
    pods: z.number().int().min(2, { error: 'a Spark job needs at least 2 pods (a driver and an executor)' }),
    /** SparkApplications existing at once (running or kept until their TTL). */
    sparkApplications: z.number().int().min(1),
    /**
     * The team's notebook servers in JupyterHub's namespace, counted by the team's PriorityClass.
     * @default - 4 servers, 16 vCPUs, 64 GiB
     */
    notebooks: z
      .strictObject({
        servers: z.number().int().min(1).default(4),
        cpu: z.number().positive().default(16),
        memoryGiB: z.number().positive().default(64),
      })
      .prefault({}),
  }),
  /**
   * Per-container defaults and ceiling of the job namespace (LimitRange): defaults apply to containers that declare
   * no resources (the quota needs every pod to request CPU and memory).
   * @default - 100m/256Mi requested, 1 core/1 GiB limit, at most 16 cores/128 GiB per container
   */
  limits: z
    .strictObject({
      defaultRequestCpu: z.string().default('100m'),
      defaultRequestMemory: z.string().default('256Mi'),
      defaultCpu: z.string().default('1'),
      defaultMemory: z.string().default('1Gi'),
      maxCpu: z.string().default('16'),
      maxMemory: z.string().default('128Gi'),
    })
    .prefault({}),
  /**
   * Percent of the kit's Spark job pools (driver and executor NodePools) the team's own NodePools may launch; the
   * teams' shares add up to at most 100, so no team can take the nodes another team is promised.
   */
  share: z.number().int().min(1).max(100),
});

/** A team as written in the environment file. */
/** A validated team with defaults resolved. */
export type Team = z.output<typeof TeamSchema>;

/** The job namespace of a team. */
export function teamNamespace(team: Pick<Team, 'name'> | string): string {
  return `team-${typeof team === 'string' ? team : team.name}`;
}

/** The identities of one team: Spark jobs and workflow pods in its namespace, notebooks in JupyterHub's. */
export interface TeamWorkloads {
  readonly sparkJobRunner: WorkloadIdentity;
  readonly argoWorkflow: WorkloadIdentity;
  readonly notebook: WorkloadIdentity;
  readonly notebookReadOnly: WorkloadIdentity;
}

const identity = (
  role: string,
  namespace: string,
  serviceAccount: string,
  mechanism: IdentityMechanism,
): WorkloadIdentity => ({ role, namespace, serviceAccount, mechanism, createdBy: 'kit' });

/**
 * The workload identities of a team. The service accounts in its namespace keep the names the shared job namespace
 * uses (WORKLOADS' `spark-job-runner`, `argo-workflow`), so templates differ only in their namespace; the roles are the team's.
 * Notebook accounts live in JupyterHub's namespace and carry the team name.
 */
export function teamWorkloads(team: Pick<Team, 'name'>, jupyterNamespace: string): TeamWorkloads {
  const ns = teamNamespace(team);
  return {
    // IRSA: Arc's bundled AWS SDK predates Pod Identity (as for the shared job runner).
    sparkJobRunner: identity(`team-${team.name}-spark`, ns, WORKLOADS.sparkJobRunner.serviceAccount, 'irsa'),
    argoWorkflow: identity(
      `team-${team.name}-argo`,
      ns,
      WORKLOADS.argoWorkflow.serviceAccount,
      'podIdentity',
    ),
    notebook: identity(`team-${team.name}-notebook`, jupyterNamespace, `jupyter-${team.name}`, 'irsa'),
    notebookReadOnly: identity(
      `team-${team.name}-notebook-ro`,
      jupyterNamespace,
      `jupyter-${team.name}-readonly`,
      'irsa',
    ),
  };
}

/** Where a team's jobs write by default (`${DATALAKE}`): its first owned prefix, without the trailing `/`. */
export function teamHomePrefix(team: Pick<Team, 'owns'>): string {
  return team.owns.prefixes[0].replace(/\/$/, '');
}

/** The team's default Glue database (`${GLUE_DATABASE}`): its first owned database. */
export function teamHomeDatabase(team: Pick<Team, 'owns'>): string {
  return team.owns.databases[0];
}

/** The team a pipeline's `owner` names, or undefined. */
export function findTeam(teams: readonly Team[], name: string): Team | undefined {
  return teams.find((team) => team.name === name);
}

/** Prefixes of the platform itself in the data lake; no team may own them (or a prefix above or below them). */
export const PLATFORM_LAKE_PREFIXES: readonly string[] = [S3_PREFIXES.sparkEventLogs, S3_PREFIXES.sparkLogs];

/** True when one prefix contains the other (`a/` and `a/b/`), i.e. writing one can write into the other. */
export function prefixesOverlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** vCPU and GiB the kit's job pools may run at once: a team's quota above it can never be used. */
export function clusterJobCapacity(): { cpu: number; memoryGiB: number } {
  return TEAM_JOB_POOLS.reduce(
    (sum, pool) => ({ cpu: sum.cpu + pool.limits.cpu, memoryGiB: sum.memoryGiB + pool.limits.memoryGiB }),
    { cpu: 0, memoryGiB: 0 },
  );
}

/** A team's NodePool limits: its share of the kit's pool, rounded up to whole vCPUs and GiB. */
export function teamPoolLimits(
  team: Pick<Team, 'share'>,
  pool: (typeof NODE_POOLS)[keyof typeof NODE_POOLS],
): { cpu: number; memoryGiB: number } {
  return {
    cpu: Math.ceil((pool.limits.cpu * team.share) / 100),
    memoryGiB: Math.ceil((pool.limits.memoryGiB * team.share) / 100),
  };
}

/** The problems of a list of teams taken together: each with the path of the field and what to do. */
export function teamProblems(teams: readonly Team[]): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const names = new Map<string, number>();
  const capacity = clusterJobCapacity();
  let shares = 0;
  teams.forEach((team, i) => {
    const seen = names.get(team.name);
    if (seen !== undefined) {
      problems.push({
        path: ['teams', i, 'name'],
        message: `'${team.name}' is already the name of teams[${seen}]; team names must be unique`,
      });
    }
    names.set(team.name, i);
    shares += team.share;
    if (team.quota.cpu > capacity.cpu) {
      problems.push({
        path: ['teams', i, 'quota', 'cpu'],
        message:
          `${team.quota.cpu} vCPUs is above what the cluster's Spark job pools may run (${capacity.cpu} vCPUs, ` +
          `NODE_POOLS limits in config/scheduling.ts); lower it to at most ${capacity.cpu}`,
      });
    }
    if (team.quota.memoryGiB > capacity.memoryGiB) {
      problems.push({
        path: ['teams', i, 'quota', 'memoryGiB'],
        message:
          `${team.quota.memoryGiB} GiB is above what the cluster's Spark job pools may run ` +
          `(${capacity.memoryGiB} GiB, NODE_POOLS limits in config/scheduling.ts); lower it to at most ${capacity.memoryGiB}`,
      });
    }
    team.owns.prefixes.forEach((prefix, p) => {
      const platform = PLATFORM_LAKE_PREFIXES.find((other) => prefixesOverlap(prefix, other));
      if (platform !== undefined) {
        problems.push({
          path: ['teams', i, 'owns', 'prefixes', p],
          message: `'${prefix}' overlaps the platform's '${platform}' (Spark logs); choose a prefix of the team's own, e.g. "teams/${team.name}/"`,
        });
      }
      teams.forEach((other, j) => {
        if (j <= i) return;
        const clash = other.owns.prefixes.find((o) => prefixesOverlap(prefix, o));
        if (clash !== undefined) {
          problems.push({
            path: ['teams', j, 'owns', 'prefixes', other.owns.prefixes.indexOf(clash)],
            message:
              `'${clash}' overlaps '${prefix}' owned by team '${team.name}': a writer of one could write into the ` +
              `other; give each team its own prefix (e.g. "teams/${other.name}/") and list the other in reads`,
          });
        }
        const db = other.owns.databases.find((d) => team.owns.databases.includes(d));
        if (db !== undefined) {
          problems.push({
            path: ['teams', j, 'owns', 'databases', other.owns.databases.indexOf(db)],
            message: `Glue database '${db}' is already owned by team '${team.name}'; one owner per database, list it in reads instead`,
          });
        }
      });
    });
  });
  if (shares > 100) {
    problems.push({
      path: ['teams'],
      message:
        `the teams' shares add up to ${shares}%; at most 100% of the Spark job pools can be promised, ` +
        'lower the share of one or more teams',
    });
  }
  return problems;
}

/** The names of the teams, for messages ("teams of dev are: …"). */
export function teamNames(teams: readonly Pick<Team, 'name'>[]): string {
  return teams.length === 0 ? '(none)' : teams.map((team) => team.name).join(', ');
}

/**
 * The team a pipeline's `owner` names. The loader reports an unknown owner with its file and line; this throws for
 * callers that skipped it (a spec built by hand).
 */
export function teamOf(env: { readonly name: string; readonly teams: readonly Team[] }, owner: string): Team {
  const team = findTeam(env.teams, owner);
  if (team === undefined) {
    throw new Error(
      `owner '${owner}' is not a team of environment ${env.name}; its teams are: ${teamNames(env.teams)} ` +
        `(config/environments/${env.name}.ts, teams)`,
    );
  }
  return team;
}

/**
 * PriorityClass of a team's notebook servers. A ResourceQuota can count pods of one namespace by priority class
 * only (not by label), so JupyterHub's namespace holds one quota per team scoped to this class.
 */
export function teamNotebookPriorityClass(team: Pick<Team, 'name'>): string {
  return `team-${team.name}-notebooks`;
}
