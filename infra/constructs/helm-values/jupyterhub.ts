import {
  ARCH_LABEL_KEY,
  ETL_IMAGE_ARCHITECTURES,
  GP3_STORAGE_CLASS,
  NAMESPACES,
  NODE_POOLS,
  SSO_GROUPS,
  TEAM_LABEL_KEY,
  WORKLOADS,
  teamNotebookPriorityClass,
  teamWorkloads,
  type EnvironmentConfig,
  type NotebookImage,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  SYSTEM_TOLERATION,
  systemPlacement,
  tolerationOf,
  type ContainerSecurityContext,
  type PodSecurityContext,
  type Toleration,
  OIDC_CLIENT_SECRETS,
} from '../../../config';
import { resources, type Resources } from './common';

/** JupyterHub's OAuth callback path (the edge stack registers `<url>/hub/oauth_callback` with Cognito). */
export const JUPYTERHUB_CALLBACK_PATH = '/hub/oauth_callback';

/**
 * Cognito users (e-mail addresses) who administer JupyterHub.
 * Candidate for a config field `jupyterhub.adminUsers`.
 * @default []
 */
export const JUPYTERHUB_ADMIN_USERS: readonly string[] = [];

/** Seconds of inactivity after which a notebook server is stopped (its home volume is kept). */
export const JUPYTERHUB_CULL_TIMEOUT_SECONDS = 3600;

/** Home volume size of each user. */
export const JUPYTERHUB_HOME_SIZE = '10Gi';

/** A notebook server profile users choose from. */
export interface NotebookProfile {
  readonly slug: string;
  /** Runtime name shown before the size. */
  readonly title: string;
  readonly description: string;
  /** The kit-built image the server runs (config/images.ts NOTEBOOK_IMAGES: each runs a Jupyter server). */
  readonly image: NotebookImage;
  /** CPU cores, guaranteed and limit. */
  readonly cpu: number;
  /** Memory in GiB, guaranteed and limit. */
  readonly memoryGiB: number;
  readonly default?: boolean;
}

/**
 * The profiles; the display name states the size, so it always matches the resources below. Arc runs Arc's own
 * Spark 3.3 (the `arc` jobs' runtime); PySpark runs the `sql`/`pyspark` jobs' Spark (config/spark-runtime.ts).
 */
export const NOTEBOOK_PROFILES: readonly NotebookProfile[] = [
  {
    slug: 'arc',
    title: 'Arc (Spark 3.3)',
    description: 'Arc notebooks: develop and test Arc ETL jobs interactively.',
    image: 'arc-notebook',
    cpu: 2,
    memoryGiB: 8,
    default: true,
  },
  {
    slug: 'pyspark',
    title: 'PySpark (Spark 4)',
    description: 'PySpark and Spark SQL on Spark 4.',
    image: 'pyspark-notebook',
    cpu: 4,
    memoryGiB: 16,
  },
];

/** `Arc (Spark 3.3) — 2 CPU, 8 GiB RAM` */
export function profileDisplayName(profile: NotebookProfile): string {
  return `${profile.title} — ${profile.cpu} CPU, ${profile.memoryGiB} GiB RAM`;
}

interface KubespawnerProfile {
  readonly display_name: string;
  readonly description: string;
  readonly slug: string;
  readonly default?: true;
  readonly kubespawner_override: {
    readonly image: string;
    readonly cpu_guarantee: number;
    readonly cpu_limit: number;
    /** KubeSpawner byte units: `G` is 1024³. */
    readonly mem_guarantee: string;
    readonly mem_limit: string;
    /** Replaces `singleuser.nodeSelector` for images built for one architecture only. */
    readonly node_selector?: Readonly<Record<string, string>>;
  };
}

/** One egress rule of a NetworkPolicy (the fields the kit sets). */
export interface NetworkPolicyEgressRule {
  readonly to: readonly { readonly ipBlock: { readonly cidr: string } }[];
  readonly ports: readonly { readonly port: number; readonly protocol: 'TCP' }[];
}

/**
 * Egress the notebook servers need beyond the chart's defaults (DNS, the hub, public addresses): HTTPS to the VPC,
 * where the interface endpoints of STS, Glue, Athena, KMS, Logs and the other AWS APIs have their addresses. The
 * chart's `privateIPs: false` blocks the whole private range, so without this rule IRSA's AssumeRoleWithWebIdentity
 * (through the STS endpoint) and every catalog call time out. Port 443 only: nothing else in the VPC is for users.
 */
export function notebookEgressRules(env: Pick<EnvironmentConfig, 'network'>): NetworkPolicyEgressRule[] {
  return [{ to: [{ ipBlock: { cidr: env.network.cidr } }], ports: [{ port: 443, protocol: 'TCP' }] }];
}

type EnvFromSecret = {
  readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
};

/** What the JupyterHub values need from other stacks. */
export interface JupyterhubValuesProps {
  /** Base URL of the Cognito hosted UI (`https://<domain>.auth.<region>.amazoncognito.com`). */
  readonly hostedUiUrl: string;
  /** Base URL of JupyterHub (`https://host`), as Cognito knows it. */
  readonly uiUrl: string;
  /** The pinned reference (`<repository>:<content version>`) of each notebook image (config/images.ts runtimeImage). */
  readonly notebookImages: Readonly<Record<NotebookImage, string>>;
}

/** The values of the JupyterHub chart 4.4.0 the kit sets (validated against its values schema in tests). */
export interface JupyterhubValues {
  readonly hub: {
    readonly config: {
      readonly JupyterHub: { readonly authenticator_class: 'generic-oauth' };
      readonly GenericOAuthenticator: {
        readonly authorize_url: string;
        readonly token_url: string;
        readonly userdata_from_id_token: true;
        readonly oauth_callback_url: string;
        readonly scope: readonly string[];
        readonly username_claim: string;
        readonly login_service: string;
        readonly manage_groups: true;
        readonly auth_state_groups_key: string;
        readonly allowed_groups: readonly string[];
        readonly admin_groups: readonly string[];
        readonly admin_users: readonly string[];
      };
      readonly KubeSpawner: {
        readonly automount_service_account_token: false;
        readonly container_security_context: ContainerSecurityContext;
        readonly pod_security_context: PodSecurityContext;
      };
    };
    readonly extraEnv: Readonly<Record<'OAUTH_CLIENT_ID' | 'OAUTH_CLIENT_SECRET', EnvFromSecret>>;
    /** Python snippets the chart appends to jupyterhub_config.py, by name. */
    readonly extraConfig: Readonly<Record<string, string>>;
    readonly db: {
      readonly type: 'sqlite-pvc';
      readonly pvc: { readonly storageClassName: string; readonly storage: string };
    };
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly resources: Resources;
    readonly podSecurityContext: PodSecurityContext;
    readonly containerSecurityContext: ContainerSecurityContext;
    readonly serviceAccount: { readonly create: true };
    readonly networkPolicy: { readonly enabled: true };
  };
  readonly proxy: {
    readonly service: { readonly type: 'ClusterIP' };
    readonly chp: {
      readonly nodeSelector: Readonly<Record<string, string>>;
      readonly resources: Resources;
      readonly containerSecurityContext: ContainerSecurityContext;
      readonly networkPolicy: { readonly enabled: true };
    };
  };
  readonly singleuser: {
    readonly serviceAccountName: string;
    readonly cloudMetadata: { readonly blockWithIptables: false };
    readonly networkPolicy: {
      readonly enabled: true;
      readonly egress: readonly NetworkPolicyEgressRule[];
    };
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly allowPrivilegeEscalation: false;
    readonly storage: {
      readonly type: 'dynamic';
      readonly capacity: string;
      readonly dynamic: { readonly storageClass: string };
    };
    readonly profileList: readonly KubespawnerProfile[];
  };
  readonly scheduling: {
    readonly userScheduler: { readonly enabled: false };
    readonly userPlaceholder: { readonly enabled: false };
    readonly podPriority: { readonly enabled: false };
    readonly corePods: {
      readonly tolerations: readonly Toleration[];
      readonly nodeAffinity: { readonly matchNodePurpose: 'ignore' };
    };
    readonly userPods: {
      readonly tolerations: readonly Toleration[];
      readonly nodeAffinity: { readonly matchNodePurpose: 'ignore' };
    };
  };
  readonly prePuller: {
    readonly hook: { readonly enabled: false };
    readonly continuous: { readonly enabled: false };
  };
  readonly ingress: { readonly enabled: false };
  readonly cull: {
    readonly enabled: true;
    readonly users: false;
    readonly timeout: number;
    readonly every: number;
  };
  readonly rbac: { readonly create: true };
}

/** Where GenericOAuthenticator finds the groups: the `cognito:groups` claim of the user data (the ID token). */
export const JUPYTERHUB_GROUPS_KEY = 'oauth_user.cognito:groups';

/** Cognito groups whose notebook servers may write the data lake (the others get the read-only role). */
export const NOTEBOOK_WRITER_GROUPS: readonly string[] = [SSO_GROUPS.admins, SSO_GROUPS.engineers];

/** Name of the `hub.extraConfig` snippet that chooses the notebook service account. */
export const NOTEBOOK_ROLE_HOOK = 'notebook-role-by-group';

/**
 * `hub.extraConfig` Python: a KubeSpawner `pre_spawn_hook` that runs each notebook server as the writers' service
 * account when its user is in a writing group (JupyterHub groups, synced from Cognito at every sign-in by
 * `manage_groups`), else as the read-only one. A hook rather than a profile per group: the chart's `profileList` is
 * static and cannot depend on the user, and the size profiles stay orthogonal to the access level.
 * Values are JSON literals, which Python reads as the same strings and lists.
 */
export function notebookRoleHook(): string {
  return [
    "# sql-etl-on-eks: the notebook server's AWS role follows the user's Cognito groups.",
    `_NOTEBOOK_WRITER_GROUPS = frozenset(${JSON.stringify(NOTEBOOK_WRITER_GROUPS)})`,
    `_NOTEBOOK_WRITER_ACCOUNT = ${JSON.stringify(WORKLOADS.jupyterSingleUser.serviceAccount)}`,
    `_NOTEBOOK_READER_ACCOUNT = ${JSON.stringify(WORKLOADS.jupyterReadOnly.serviceAccount)}`,
    '',
    '',
    'def _notebook_role_by_group(spawner):',
    '    groups = {group.name for group in spawner.user.groups}',
    '    writer = not groups.isdisjoint(_NOTEBOOK_WRITER_GROUPS)',
    '    spawner.service_account = _NOTEBOOK_WRITER_ACCOUNT if writer else _NOTEBOOK_READER_ACCOUNT',
    '',
    '',
    'c.KubeSpawner.pre_spawn_hook = _notebook_role_by_group',
    '',
  ].join('\n');
}

/** Name of the `hub.extraConfig` snippet that offers each team's profiles to its groups. */
const TEAM_PROFILES_HOOK = 'team-profiles-by-group';

/** What the team-profiles snippet needs of one team. */
export interface NotebookTeam {
  readonly name: string;
  readonly engineers: readonly string[];
  readonly members: readonly string[];
  /** Service account of the team's engineers' servers (the team's read-write role). */
  readonly writer: string;
  /** Service account of the team's members' servers (read-only role). */
  readonly reader: string;
  /** PriorityClass the team's notebook quota counts. */
  readonly priorityClass: string;
}

/** The teams as the snippet sees them. */
export function notebookTeams(env: EnvironmentConfig): NotebookTeam[] {
  return env.teams.map((team) => {
    const workloads = teamWorkloads(team, NAMESPACES.jupyter);
    return {
      name: team.name,
      engineers: team.groups.engineers,
      members: team.groups.members,
      writer: workloads.notebook.serviceAccount,
      reader: workloads.notebookReadOnly.serviceAccount,
      priorityClass: teamNotebookPriorityClass(team),
    };
  });
}

/**
 * `hub.extraConfig` Python (runs after the chart has set `profile_list` from `singleuser.profileList`): replaces the
 * static list with a callable that offers, per user, the kit's profiles if the user is in a platform group, and for
 * each team the user belongs to the same sizes as "<team>: …" profiles that run with the team's service account
 * (engineers: read-write role, members: read-only), carry the team label (cost allocation) and the team's
 * PriorityClass (the team's notebook quota counts them). The profile's override is applied after the pre-spawn hook,
 * so a team profile's account wins over the hook's platform choice.
 */
export function teamProfilesHook(env: EnvironmentConfig): string {
  const platformGroups = Object.values(SSO_GROUPS);
  return [
    '# sql-etl-on-eks: notebook profiles by Cognito group, one set per team the user belongs to.',
    'import copy',
    '',
    `_TEAMS = ${JSON.stringify(notebookTeams(env))}`,
    `_PLATFORM_GROUPS = frozenset(${JSON.stringify(platformGroups)})`,
    `_TEAM_LABEL = ${JSON.stringify(TEAM_LABEL_KEY)}`,
    '_BASE_PROFILES = copy.deepcopy(list(c.KubeSpawner.profile_list or []))',
    '_BASE_LABELS = dict(c.KubeSpawner.extra_labels or {})',
    '',
    '',
    'def _profiles_by_group(spawner):',
    '    groups = {group.name for group in spawner.user.groups}',
    '    profiles = copy.deepcopy(_BASE_PROFILES) if not groups.isdisjoint(_PLATFORM_GROUPS) else []',
    '    for team in _TEAMS:',
    '        writer = not groups.isdisjoint(team["engineers"])',
    '        if not writer and groups.isdisjoint(team["members"]):',
    '            continue',
    '        for base in _BASE_PROFILES:',
    '            profile = copy.deepcopy(base)',
    '            profile.pop("default", None)',
    '            profile["slug"] = team["name"] + "-" + base["slug"]',
    '            profile["display_name"] = team["name"] + ": " + base["display_name"]',
    '            override = profile.setdefault("kubespawner_override", {})',
    '            override["service_account"] = team["writer"] if writer else team["reader"]',
    '            override["priority_class_name"] = team["priorityClass"]',
    '            override["extra_labels"] = dict(_BASE_LABELS, **{_TEAM_LABEL: team["name"]})',
    '            profiles.append(profile)',
    '    return profiles',
    '',
    '',
    'c.KubeSpawner.profile_list = _profiles_by_group',
    '',
  ].join('\n');
}

/** Every Cognito group that may sign in to JupyterHub: the platform's and every team's. */
export function jupyterhubAllowedGroups(env: EnvironmentConfig): string[] {
  const teamGroups = env.teams.flatMap((team) => [...team.groups.engineers, ...team.groups.members]);
  return [...new Set([SSO_GROUPS.admins, SSO_GROUPS.engineers, SSO_GROUPS.viewers, ...teamGroups])];
}

const fromSecret = (key: string): EnvFromSecret => ({
  valueFrom: { secretKeyRef: { name: OIDC_CLIENT_SECRETS.jupyterhub.name, key } },
});

/**
 * JupyterHub: Cognito sign-in (GenericOAuthenticator), hub and proxy on the system nodes, notebook servers on the
 * notebooks NodePool with persistent gp3 homes, idle servers stopped after an hour, no ingress (k8s layer).
 */
export function jupyterhubValues(env: EnvironmentConfig, props: JupyterhubValuesProps): JupyterhubValues {
  const placement = systemPlacement();
  const notebooks = NODE_POOLS.notebooks;
  return {
    hub: {
      config: {
        JupyterHub: { authenticator_class: 'generic-oauth' },
        GenericOAuthenticator: {
          authorize_url: `${props.hostedUiUrl}/oauth2/authorize`,
          token_url: `${props.hostedUiUrl}/oauth2/token`,
          // Cognito's userInfo endpoint does not return `cognito:groups`; the ID token (from the token endpoint,
          // over HTTPS) does.
          userdata_from_id_token: true,
          oauth_callback_url: `${props.uiUrl}${JUPYTERHUB_CALLBACK_PATH}`,
          scope: ['openid', 'email', 'profile'],
          username_claim: 'email',
          login_service: 'Cognito',
          // Sign-in by Cognito group: a pool user in none of the kit's groups is refused. The groups become
          // JupyterHub groups, which choose the notebook's AWS role (see notebookRoleHook).
          manage_groups: true,
          auth_state_groups_key: JUPYTERHUB_GROUPS_KEY,
          allowed_groups: jupyterhubAllowedGroups(env),
          admin_groups: [SSO_GROUPS.admins],
          admin_users: [...JUPYTERHUB_ADMIN_USERS],
        },
        KubeSpawner: {
          // Notebook users get AWS credentials (IRSA token, mounted by EKS) but no Kubernetes API token.
          automount_service_account_token: false,
          container_security_context: restrictedContainerSecurityContext(),
          pod_security_context: restrictedPodSecurityContext({ fsGroup: 100 }),
        },
      },
      // OAuthenticator reads the client from these variables; the Secret comes from External Secrets.
      extraEnv: {
        OAUTH_CLIENT_ID: fromSecret('client-id'),
        OAUTH_CLIENT_SECRET: fromSecret('client-secret'),
      },
      // Applied in key order: the role hook, then the teams' profiles (which read the chart's profile_list).
      extraConfig: { [NOTEBOOK_ROLE_HOOK]: notebookRoleHook(), [TEAM_PROFILES_HOOK]: teamProfilesHook(env) },
      db: { type: 'sqlite-pvc', pvc: { storageClassName: GP3_STORAGE_CLASS, storage: '1Gi' } },
      nodeSelector: placement.nodeSelector,
      resources: resources('200m', '512Mi', '1', '1Gi'),
      podSecurityContext: restrictedPodSecurityContext({ fsGroup: 1000 }),
      containerSecurityContext: restrictedContainerSecurityContext({ runAsUser: 1000, runAsGroup: 1000 }),
      // The hub's Role (pods, PVCs, events in its namespace) is bound to the hub's own service account only.
      serviceAccount: { create: true },
      networkPolicy: { enabled: true },
    },
    proxy: {
      service: { type: 'ClusterIP' },
      chp: {
        nodeSelector: placement.nodeSelector,
        resources: resources('100m', '128Mi', '500m', '512Mi'),
        containerSecurityContext: restrictedContainerSecurityContext({ runAsUser: 65534, runAsGroup: 65534 }),
        networkPolicy: { enabled: true },
      },
    },
    singleuser: {
      // The read-only account unless the hook below finds a writing group: a failure to read the groups never
      // grants write access.
      serviceAccountName: WORKLOADS.jupyterReadOnly.serviceAccount,
      // The chart's default adds a privileged root init container that writes an iptables rule, which Pod Security
      // `baseline` rejects. The instance metadata service stays out of reach without it: the NetworkPolicy's
      // `cloudMetadataServer: false` (the chart's default) denies 169.254.169.254, and the nodes' IMDSv2 hop limit
      // of 1 stops a pod's request at the node.
      cloudMetadata: { blockWithIptables: false },
      networkPolicy: { enabled: true, egress: notebookEgressRules(env) },
      nodeSelector: { [notebooks.label.key]: notebooks.label.value },
      allowPrivilegeEscalation: false,
      storage: {
        type: 'dynamic',
        capacity: JUPYTERHUB_HOME_SIZE,
        dynamic: { storageClass: GP3_STORAGE_CLASS },
      },
      profileList: NOTEBOOK_PROFILES.map((profile) => {
        const architectures = ETL_IMAGE_ARCHITECTURES[profile.image];
        return {
          display_name: profileDisplayName(profile),
          description: profile.description,
          slug: profile.slug,
          ...(profile.default === true ? { default: true as const } : {}),
          kubespawner_override: {
            image: props.notebookImages[profile.image],
            cpu_guarantee: profile.cpu,
            cpu_limit: profile.cpu,
            mem_guarantee: `${profile.memoryGiB}G`,
            mem_limit: `${profile.memoryGiB}G`,
            // The notebooks pool launches amd64 and arm64 nodes; an image of one architecture selects its own.
            ...(architectures.length === 1
              ? {
                  node_selector: {
                    [notebooks.label.key]: notebooks.label.value,
                    [ARCH_LABEL_KEY]: architectures[0],
                  },
                }
              : {}),
          },
        };
      }),
    },
    scheduling: {
      // Karpenter packs and provisions nodes; the chart's scheduler and placeholders would fight it.
      userScheduler: { enabled: false },
      userPlaceholder: { enabled: false },
      podPriority: { enabled: false },
      corePods: { tolerations: [SYSTEM_TOLERATION], nodeAffinity: { matchNodePurpose: 'ignore' } },
      userPods: {
        tolerations: [tolerationOf(notebooks.taint)],
        nodeAffinity: { matchNodePurpose: 'ignore' },
      },
    },
    // Image pullers are DaemonSets on every node; notebook nodes come and go with Karpenter.
    prePuller: { hook: { enabled: false }, continuous: { enabled: false } },
    ingress: { enabled: false },
    // Servers are stopped, users (and their home volumes) kept.
    cull: { enabled: true, users: false, timeout: JUPYTERHUB_CULL_TIMEOUT_SECONDS, every: 300 },
    rbac: { create: true },
  };
}
