import type { EnvironmentConfig } from './environment';
import { NAMESPACES, resourcePrefix } from './naming';

/**
 * The web UIs behind the edge, shared by infra/ (which creates the internal ALB, its target groups and the CloudFront
 * distributions) and k8s/ (which binds the Services to those target groups with TargetGroupBindings).
 *
 * Only UIs that sign users in through Cognito themselves are published: JupyterHub (OAuthenticator) and the Argo
 * server (SSO). Argo CD (local admin only, no Dex) and the Spark History Server (no authentication at all) stay
 * cluster-internal and are reached with `kubectl port-forward`: publishing them behind CloudFront would put an
 * unauthenticated UI on the internet, and putting Cognito in front of them needs the ALB's `authenticate-cognito`
 * action, which only an HTTPS listener (a custom domain) can run.
 */
export type WebUiName = 'jupyterhub' | 'argo';

/** One published web UI and the Kubernetes Service that serves it. */
export interface WebUi {
  /** Key in physical names and in the `X-Edge-Ui` header the UI's distribution sends. */
  readonly name: WebUiName;
  /** Construct id stem (Terraform address). */
  readonly id: string;
  /** Host label under the custom domain. */
  readonly subdomain: string;
  /** Path the UI's OAuth client receives the authorization code on. */
  readonly callbackPath: string;
  /** The Service the target group's pods come from (created by the UI's Helm release). */
  readonly service: {
    readonly namespace: string;
    readonly name: string;
    /** The Service port the TargetGroupBinding names. */
    readonly port: number;
    /**
     * The container port behind it: the ALB sends traffic to pod IPs on this port (target type `ip`), so the node
     * security group must admit the ALB here.
     */
    readonly targetPort: number;
  };
  /** Protocol the backend speaks: the ALB talks HTTPS to backends that serve TLS (the Argo server does). */
  readonly protocol: 'HTTP' | 'HTTPS';
  /** Health check path, answered 200 without a session. */
  readonly healthCheckPath: string;
}

/** The published UIs. */
export const WEB_UIS: readonly WebUi[] = [
  {
    // JupyterHub's OAuthenticator; the chart's `proxy-public` Service (port 80 → the proxy's `http` port 8000).
    name: 'jupyterhub',
    id: 'Jupyterhub',
    subdomain: 'jupyter',
    callbackPath: '/hub/oauth_callback',
    service: { namespace: NAMESPACES.jupyter, name: 'proxy-public', port: 80, targetPort: 8000 },
    protocol: 'HTTP',
    healthCheckPath: '/hub/health',
  },
  {
    // Argo Server SSO; the argo-workflows chart's `<release>-server` Service (`server.servicePort` 2746), TLS on
    // (`server.secure: true`) with the server's self-signed certificate, which the ALB accepts (it does not verify
    // backend certificates).
    name: 'argo',
    id: 'Argo',
    subdomain: 'argo',
    callbackPath: '/oauth2/callback',
    service: { namespace: NAMESPACES.argo, name: 'argo-workflows-server', port: 2746, targetPort: 2746 },
    protocol: 'HTTPS',
    healthCheckPath: '/',
  },
];

/** Header each UI's distribution adds (CloudFront overwrites a viewer's own); the ALB routes on it. */
export const EDGE_UI_HEADER = 'X-Edge-Ui';

/** The internal ALB of the web UIs: `<prefix>-<env>-web` (ALB names: at most 32 characters). */
export function webAlbName(env: Pick<EnvironmentConfig, 'name' | 'prefix'>): string {
  return checkElbName('ALB', `${resourcePrefix(env)}-web`);
}

/**
 * Target group of one UI: `<prefix>-<env>-<ui>`. The TargetGroupBindings of the k8s layer find it by this name
 * (`spec.targetGroupName`), since its ARN carries an id AWS assigns.
 */
export function targetGroupName(env: Pick<EnvironmentConfig, 'name' | 'prefix'>, ui: WebUiName): string {
  return checkElbName('target group', `${resourcePrefix(env)}-${ui}`);
}

function checkElbName(kind: string, name: string): string {
  if (name.length > 32 || !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(name)) {
    throw new Error(
      `${kind} name '${name}' must be 1–32 letters, digits or hyphens, not starting or ending with a hyphen ` +
        `(ELB limit); shorten prefix or name in the environment file`,
    );
  }
  return name;
}
