import { NAMESPACES, secretName, type EnvironmentConfig } from '../../../config';

/**
 * Kubernetes Secrets the platform charts read but do not create. External Secrets (k8s layer) syncs each from the
 * Secrets Manager secret the edge stack writes (`{client_id, client_secret, issuer}` JSON, see `OidcClientSecret`),
 * so the charts' values only name a Secret and its keys and no secret value ever reaches Terraform JSON or dist/.
 * This is a contract with the k8s layer; candidate for config/ so both layers import one definition.
 */
export interface SyncedSecret {
  /** Namespace of the Kubernetes Secret (the chart's namespace). */
  readonly namespace: string;
  /** Name of the Kubernetes Secret. */
  readonly name: string;
  /** Secrets Manager secret (short name passed to `secretName`). */
  readonly source: string;
  /** Kubernetes Secret key → JSON property of the Secrets Manager secret. */
  readonly keys: Readonly<Record<string, string>>;
}

/** The OIDC clients of Argo Workflows' SSO and JupyterHub's authenticator. */
export const OIDC_CLIENT_SECRETS = {
  /** Argo server SSO; `server.sso.clientId/clientSecret` name these keys. */
  argo: {
    namespace: NAMESPACES.argo,
    name: 'argo-server-sso',
    source: 'oidc/argo',
    keys: { 'client-id': 'client_id', 'client-secret': 'client_secret' },
  },
  /** JupyterHub's GenericOAuthenticator; read through `hub.extraEnv` (OAUTH_CLIENT_ID/OAUTH_CLIENT_SECRET). */
  jupyterhub: {
    namespace: NAMESPACES.jupyter,
    name: 'jupyterhub-oidc',
    source: 'oidc/jupyterhub',
    keys: { 'client-id': 'client_id', 'client-secret': 'client_secret' },
  },
} as const satisfies Record<string, SyncedSecret>;

/** The Secrets Manager secret name a {@link SyncedSecret} is synced from. */
export function syncedSecretSource(
  env: Pick<EnvironmentConfig, 'name' | 'prefix'>,
  secret: SyncedSecret,
): string {
  return secretName(env, secret.source);
}
