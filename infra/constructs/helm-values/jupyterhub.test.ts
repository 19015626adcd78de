import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { NOTEBOOK_IMAGES, SPARK_RUNTIME, SSO_GROUPS, WORKLOADS } from '../../../config';
import { DEV } from '../../testing';
import { WORKLOAD_POLICIES } from '../workload-policies';
import { jupyterhubValues, NOTEBOOK_PROFILES, NOTEBOOK_ROLE_HOOK, notebookRoleHook } from './jupyterhub';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const NOTEBOOK_IMAGE_REFS = {
  'arc-notebook': 'arc.invalid/arc-notebook:1',
  'pyspark-notebook': 'py.invalid/pyspark-notebook:1',
};
const values = jupyterhubValues(DEV, {
  hostedUiUrl: 'https://auth.invalid',
  uiUrl: 'https://ui.invalid',
  notebookImages: NOTEBOOK_IMAGE_REFS,
});

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
/** The value of `ARG <name>=` in a Dockerfile. */
const argOf = (dockerfile: string, name: string) =>
  new RegExp(`^ARG ${name}=(\\S+)$`, 'm').exec(dockerfile)?.[1];

/**
 * Runs the generated `hub.extraConfig` snippet in a real Python interpreter, the way jupyterhub_config.py runs it
 * (`c` in scope), then calls the hook it registered with a spawner whose user is in `groups`; returns the service
 * account the spawner ends up with.
 */
function accountFor(groups: readonly string[]): string {
  const driver = [
    'import json, sys, types',
    'class _Section(dict):',
    '    __getattr__ = dict.get',
    '    def __setattr__(self, key, value): self[key] = value',
    'class _Config(dict):',
    '    def __getattr__(self, key): return self.setdefault(key, _Section())',
    'c = _Config()',
    'exec(sys.stdin.read())',
    'hook = c.KubeSpawner.pre_spawn_hook',
    'groups = [types.SimpleNamespace(name=g) for g in json.loads(sys.argv[1])]',
    `spawner = types.SimpleNamespace(user=types.SimpleNamespace(groups=groups), service_account=${JSON.stringify(values.singleuser.serviceAccountName)})`,
    'hook(spawner)',
    'print(spawner.service_account)',
  ].join('\n');
  const result = spawnSync('python3', ['-c', driver, JSON.stringify(groups)], {
    input: values.hub.extraConfig[NOTEBOOK_ROLE_HOOK],
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.trim();
}

interface OfferedProfile {
  readonly slug: string;
  readonly kubespawner_override: {
    readonly service_account?: string;
    readonly priority_class_name?: string;
    readonly extra_labels?: Record<string, string>;
  };
}

/**
 * Runs the chart's own profile list through both extraConfig snippets in a real Python interpreter (in z2jh's order:
 * sorted keys, after the chart set `profile_list` and `extra_labels`), then asks the registered callable which
 * profiles a user in `groups` is offered.
 */
function profilesFor(groups: readonly string[]): OfferedProfile[] {
  const driver = [
    'import json, sys, types',
    'class _Section(dict):',
    '    __getattr__ = dict.get',
    '    def __setattr__(self, key, value): self[key] = value',
    'class _Config(dict):',
    '    def __getattr__(self, key): return self.setdefault(key, _Section())',
    'c = _Config()',
    'inputs = json.loads(sys.stdin.read())',
    'c.KubeSpawner.profile_list = inputs["profiles"]',
    'c.KubeSpawner.extra_labels = {"hub.jupyter.org/network-access-hub": "true"}',
    'for key in sorted(inputs["snippets"]):',
    '    exec(inputs["snippets"][key])',
    'groups = [types.SimpleNamespace(name=g) for g in json.loads(sys.argv[1])]',
    'spawner = types.SimpleNamespace(user=types.SimpleNamespace(groups=groups))',
    'print(json.dumps(c.KubeSpawner.profile_list(spawner)))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', driver, JSON.stringify(groups)], {
    input: JSON.stringify({ profiles: values.singleuser.profileList, snippets: values.hub.extraConfig }),
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as OfferedProfile[];
}

describe('JupyterHub profiles per team', () => {
  const sizes = values.singleuser.profileList.length;

  test('a team engineer gets the team’s profiles with its read-write account, label and PriorityClass', () => {
    const offered = profilesFor(['analytics-engineers']);
    expect(offered).toHaveLength(sizes);
    for (const profile of offered) {
      expect(profile.slug).toMatch(/^analytics-/);
      expect(profile.kubespawner_override).toMatchObject({
        service_account: 'jupyter-analytics',
        priority_class_name: 'team-analytics-notebooks',
        // The chart's label (hub network access) stays; the team label is added.
        extra_labels: { 'hub.jupyter.org/network-access-hub': 'true', 'sql-etl-on-eks/team': 'analytics' },
      });
    }
  });

  test('a team member gets the read-only account; someone in no group of the team gets none of its profiles', () => {
    expect(profilesFor(['analytics-members']).map((p) => p.kubespawner_override.service_account)).toEqual(
      Array(sizes).fill('jupyter-analytics-readonly'),
    );
    expect(profilesFor(['data-platform-members']).some((p) => p.slug.startsWith('analytics-'))).toBe(false);
    expect(profilesFor(['unrelated'])).toEqual([]);
  });

  test('platform groups keep the kit’s profiles; a user in two teams gets both teams’ sets', () => {
    expect(profilesFor([SSO_GROUPS.viewers]).map((p) => p.slug)).toEqual(
      values.singleuser.profileList.map((p) => p.slug),
    );
    expect(profilesFor(['analytics-engineers', 'data-platform-members'])).toHaveLength(2 * sizes);
  });
});

describe('JupyterHub access by Cognito group', () => {
  test('only members of the kit’s groups sign in; platform admins administer the hub', () => {
    expect(values.hub.config.GenericOAuthenticator).toMatchObject({
      manage_groups: true,
      allowed_groups: [
        'platform-admins',
        'data-engineers',
        'data-viewers',
        'data-platform-engineers',
        'data-platform-members',
        'analytics-engineers',
        'analytics-members',
      ],
      admin_groups: ['platform-admins'],
    });
    expect(values.hub.config.GenericOAuthenticator).not.toHaveProperty('allow_all');
  });

  test('groups come from the ID token’s cognito:groups claim (Cognito’s userInfo does not return them)', () => {
    const auth = values.hub.config.GenericOAuthenticator;
    expect(auth.userdata_from_id_token).toBe(true);
    // OAuthenticator refuses userdata_url together with userdata_from_id_token.
    expect(auth).not.toHaveProperty('userdata_url');
    expect(auth.auth_state_groups_key).toBe('oauth_user.cognito:groups');
  });

  test('the hook gives admins and engineers the writers’ account, viewers and the groupless the read-only one', () => {
    expect(accountFor([SSO_GROUPS.admins])).toBe('jupyter-singleuser');
    expect(accountFor([SSO_GROUPS.engineers, SSO_GROUPS.viewers])).toBe('jupyter-singleuser');
    expect(accountFor([SSO_GROUPS.viewers])).toBe('jupyter-singleuser-readonly');
    expect(accountFor([])).toBe('jupyter-singleuser-readonly');
  });

  test('without the hook a notebook runs read-only: the chart default is the read-only account', () => {
    expect(values.singleuser.serviceAccountName).toBe(WORKLOADS.jupyterReadOnly.serviceAccount);
    expect(notebookRoleHook()).toContain(`"${WORKLOADS.jupyterSingleUser.serviceAccount}"`);
  });

  test('both notebook accounts are IRSA accounts of the jupyter namespace the kit creates', () => {
    for (const workload of [WORKLOADS.jupyterSingleUser, WORKLOADS.jupyterReadOnly]) {
      expect(workload).toMatchObject({ namespace: 'jupyter', mechanism: 'irsa', createdBy: 'kit' });
    }
  });

  test('the read-only role writes and deletes nothing in the data lake and changes no catalog entry', () => {
    const statements = WORKLOAD_POLICIES.jupyterReadOnly({
      env: DEV,
      keyArn: 'arn:aws:kms:us-east-1:111122223333:key/test',
      clusterArn: 'arn:aws:eks:us-east-1:111122223333:cluster/sqletl-dev',
    });
    const lake = 'arn:aws:s3:::sqletl-dev-datalake-111122223333-us-east-1';
    const onLake = statements.filter((s) => s.resources.some((r) => r === lake || r.startsWith(`${lake}/`)));
    expect(onLake.flatMap((s) => s.actions).sort()).toEqual([
      's3:GetBucketLocation',
      's3:GetObject',
      's3:ListBucket',
    ]);
    const glue = statements.flatMap((s) => s.actions).filter((a) => a.startsWith('glue:'));
    expect(glue.length).toBeGreaterThan(0);
    for (const action of glue) expect(action).toMatch(/^glue:(Get|BatchGet)/);
    // The writers' role keeps what jobs need.
    const writer = WORKLOAD_POLICIES.jupyterSingleUser({
      env: DEV,
      keyArn: 'arn:aws:kms:us-east-1:111122223333:key/test',
      clusterArn: 'arn:aws:eks:us-east-1:111122223333:cluster/sqletl-dev',
    });
    expect(writer.flatMap((s) => s.actions)).toContain('s3:PutObject');
  });
});

describe('notebook profiles run a Jupyter server of the jobs’ engine', () => {
  test('every profile runs one of the kit’s notebook images, never a runtime image', () => {
    for (const profile of NOTEBOOK_PROFILES) expect(NOTEBOOK_IMAGES).toContain(profile.image);
    expect(values.singleuser.profileList.map((p) => p.kubespawner_override.image)).toEqual([
      NOTEBOOK_IMAGE_REFS['arc-notebook'],
      NOTEBOOK_IMAGE_REFS['pyspark-notebook'],
    ]);
  });

  test.each(NOTEBOOK_IMAGES.map((image) => [image]))(
    '%s starts jupyterhub-singleuser and fails its build without it',
    (image) => {
      const dockerfile = read(`etl/images/${image}/Dockerfile`);
      expect(dockerfile).toMatch(/^RUN [^\n]*(?:\\\n[^\n]*)*command -v jupyterhub-singleuser/m);
      expect(dockerfile).toMatch(/^USER 1000$/m);
    },
  );

  test('the PySpark image is Jupyter Docker Stacks’ pyspark-notebook of the runtime’s Spark, and asserts it', () => {
    const dockerfile = read('etl/images/pyspark-notebook/Dockerfile');
    expect(argOf(dockerfile, 'NOTEBOOK_IMAGE')).toBe(
      `quay.io/jupyter/pyspark-notebook:spark-${SPARK_RUNTIME.spark}`,
    );
    expect(dockerfile).toContain(`pyspark.__version__)')" = "${SPARK_RUNTIME.spark}"`);
    // The same jars as the jobs' image, so a notebook reads the lake through S3A and Delta like a job.
    expect(read('etl/images/pyspark-notebook/jars.txt')).toBe(read('etl/images/spark-runtime/jars.txt'));
  });

  test('the Arc image is the arc-runtime base with a pinned Jupyter server of the hub’s major and the Arc kernel', () => {
    const dockerfile = read('etl/images/arc-notebook/Dockerfile');
    const runtimeBase = /^FROM (\S+)$/m.exec(read('etl/images/arc-runtime/Dockerfile'))?.[1];
    expect(argOf(dockerfile, 'ARC_IMAGE')).toBe(runtimeBase);
    const requirements = read('etl/images/arc-notebook/requirements.txt');
    // JupyterHub 5.5.0 is chart 4.4.0's hub; the single-user server must be of the same major version.
    expect(requirements).toMatch(/^jupyterhub==5\.\d+\.\d+$/m);
    for (const line of requirements.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      expect(line).toMatch(/^[\w-]+==\d+(\.\d+)+$/);
    }
    const kernel = JSON.parse(read('etl/images/arc-notebook/kernel.json')) as { argv: string[] };
    expect(kernel.argv.join(' ')).toContain('ai.tripl.arc.jupyter.ArcKernel');
    expect(dockerfile).toContain('/usr/local/share/jupyter/kernels/arc/kernel.json');
    // The sample notebooks name the kernel `arc`.
    expect(read('etl/jobs/customer-scd2/initial_load.ipynb')).toMatch(/"kernelspec": \{[^}]*"name": "arc"/);
  });

  test('a runtime image would be refused: it has no Jupyter server', () => {
    expect(read('etl/images/spark-runtime/Dockerfile')).not.toContain('jupyterhub-singleuser');
    expect(read('etl/images/arc-runtime/Dockerfile')).not.toContain('jupyterhub-singleuser');
  });
});
