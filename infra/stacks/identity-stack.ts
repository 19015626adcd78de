import { CognitoRiskConfiguration } from '@cdktf/provider-aws/lib/cognito-risk-configuration';
import { CognitoUserGroup } from '@cdktf/provider-aws/lib/cognito-user-group';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Fn, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import {
  SSO_GROUPS,
  WEB_UIS,
  cognitoDomainPrefix,
  resourcePrefix,
  secretName,
  type WebUiName,
} from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import { SECRET_RECOVERY_WINDOW_DAYS } from './edge-stack';
import type { FoundationStack } from './foundation-stack';

/** What one UI's secret in `secretName(env, 'oidc/<ui>')` holds (JSON). */
export interface OidcClientSecret {
  readonly client_id: string;
  readonly client_secret: string;
  readonly issuer: string;
}

/** Props of {@link IdentityStack}. */
export interface IdentityStackProps extends EnvironmentStackProps {
  /**
   * The foundation of the same environment: its project key encrypts the OIDC client secrets. (Cognito encrypts
   * user pools with an AWS-owned key and offers no customer-managed key option, only for custom sender triggers.)
   */
  readonly foundation: FoundationStack;
  /**
   * Base URL (`https://host`) of each UI, from the edge stack (or the custom domain): the app clients' callback
   * URLs. The edge stack is applied first, so they are known when this stack is.
   */
  readonly uiUrls: Readonly<Record<WebUiName, string>>;
}

/** Minimum password length of the user pool (NIST SP 800-63B recommends at least 15 without MFA, 8 with). */
const MIN_PASSWORD_LENGTH = 14;

/**
 * Who may sign in to the web UIs: a Cognito user pool whose users an administrator creates (nobody signs up), with
 * e-mail addresses as user names, TOTP MFA for everyone and threat protection, its hosted sign-in domain, and the
 * app client of each UI with its secret in Secrets Manager.
 *
 * Order: after the edge stack. Without a custom domain the clients' callback URLs contain the CloudFront domain
 * names, which AWS assigns only when the distributions exist, and the edge stack needs nothing from this one (the
 * UIs sign users in themselves), so edge → identity → platform converges in one pass each.
 */
export class IdentityStack extends EnvironmentStack {
  /** The user pool. */
  public readonly userPool: CognitoUserPool;
  /** The hosted UI (managed login) domain `<cognitoDomainPrefix>.auth.<region>.amazoncognito.com`. */
  public readonly domain: CognitoUserPoolDomain;
  /** OIDC issuer URL of the pool (`https://cognito-idp.<region>.amazonaws.com/<pool id>`). */
  public readonly issuerUrl: string;
  /** Base URL of the hosted UI; computable from the config, so the k8s layer can derive it too. */
  public readonly hostedUiUrl: string;
  /** Base URL of each UI (as given): the platform's Helm values use the same URLs as the callbacks. */
  public readonly uiUrls: Readonly<Record<WebUiName, string>>;
  /** The Cognito app client of each UI, by UI name. */
  public readonly clients: Readonly<Record<WebUiName, CognitoUserPoolClient>>;
  /** Secret of each UI's OIDC client (`{client_id, client_secret, issuer}`), by UI name. */
  public readonly oidcSecrets: Readonly<Record<WebUiName, SecretsmanagerSecret>>;

  constructor(scope: Construct, props: IdentityStackProps) {
    super(scope, 'identity', props);
    const { env } = props;
    this.uiUrls = props.uiUrls;

    this.userPool = new CognitoUserPool(this, 'UserPool', {
      name: `${resourcePrefix(env)}-users`,
      // The pool holds every UI account; deleting it would lock everyone out and lose all MFA enrolments.
      deletionProtection: 'ACTIVE',
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      usernameAttributes: ['email'],
      usernameConfiguration: { caseSensitive: false },
      autoVerifiedAttributes: ['email'],
      accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
      passwordPolicy: {
        minimumLength: MIN_PASSWORD_LENGTH,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        passwordHistorySize: 5,
        temporaryPasswordValidityDays: 3,
      },
      // MFA is required, TOTP only: the UIs reach the data lake, and SMS MFA would need an SNS role and is phishable.
      // The hosted UI walks a new user through the authenticator app enrolment at first sign-in.
      mfaConfiguration: 'ON',
      softwareTokenMfaConfiguration: { enabled: true },
      // Threat protection (compromised credentials, adaptive authentication) needs the Plus feature plan; it is
      // billed per monthly active user, and the users here are a handful of platform and data engineers.
      userPoolTier: 'PLUS',
      userPoolAddOns: { advancedSecurityMode: 'ENFORCED' },
      // Invitations come from Cognito's own sender (50 mails a day), plenty for admin-created accounts.
      emailConfiguration: { emailSendingAccount: 'COGNITO_DEFAULT' },
    });

    // Threat protection: sign-ins with credentials found in public breaches are blocked. Only this part of the risk
    // configuration is set: an account-takeover configuration requires `notify_configuration` with a verified SES
    // identity (AWS provider 6.x), which the kit cannot create for you, and its adaptive actions would only ask for
    // MFA, which every sign-in here already requires. Cognito still scores sign-in risk and logs it.
    new CognitoRiskConfiguration(this, 'RiskConfiguration', {
      userPoolId: this.userPool.id,
      compromisedCredentialsRiskConfiguration: {
        eventFilter: ['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'],
        actions: { eventAction: 'BLOCK' },
      },
    });

    // The groups the UIs authorize on (Argo's SSO RBAC); administrators add users to them.
    for (const [key, name] of Object.entries(SSO_GROUPS)) {
      new CognitoUserGroup(this, `Group${key.charAt(0).toUpperCase()}${key.slice(1)}`, {
        userPoolId: this.userPool.id,
        name,
        description: `sql-etl-on-eks UI access level '${key}'`,
      });
    }
    // The teams' groups (config/teams.ts): members view, engineers operate, within their team's namespace.
    const teamGroups = new Map<string, string>();
    for (const team of env.teams) {
      for (const [kind, groups] of Object.entries(team.groups)) {
        for (const group of groups) teamGroups.set(group, `team ${team.name} ${kind}`);
      }
    }
    for (const [group, what] of teamGroups) {
      if ((Object.values(SSO_GROUPS) as string[]).includes(group)) continue;
      new CognitoUserGroup(this, `TeamGroup-${group}`, {
        userPoolId: this.userPool.id,
        name: group,
        description: `sql-etl-on-eks ${what}`,
      });
    }

    this.domain = new CognitoUserPoolDomain(this, 'Domain', {
      domain: cognitoDomainPrefix(env),
      userPoolId: this.userPool.id,
      // The classic hosted UI: managed login (version 2) shows nothing until a branding style is created.
      managedLoginVersion: 1,
    });

    this.issuerUrl = `https://${this.userPool.endpoint}`;
    this.hostedUiUrl = `https://${cognitoDomainPrefix(env)}.auth.${env.region}.amazoncognito.com`;

    const clients: Partial<Record<WebUiName, CognitoUserPoolClient>> = {};
    const secrets: Partial<Record<WebUiName, SecretsmanagerSecret>> = {};
    for (const ui of WEB_UIS) {
      const client = new CognitoUserPoolClient(this, `${ui.id}Client`, {
        name: `${resourcePrefix(env)}-${ui.name}`,
        userPoolId: this.userPool.id,
        generateSecret: true,
        // Authorization code flow only (no implicit flow, no password or SRP flows from the app).
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ['code'],
        allowedOauthScopes: ['openid', 'email', 'profile'],
        supportedIdentityProviders: ['COGNITO'],
        callbackUrls: [`${props.uiUrls[ui.name]}${ui.callbackPath}`],
        explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        preventUserExistenceErrors: 'ENABLED',
        enableTokenRevocation: true,
      });
      clients[ui.name] = client;

      // The name stays `<prefix>/<env>/oidc/<ui>`: the k8s layer's ExternalSecrets read it.
      const secret = new SecretsmanagerSecret(this, `${ui.id}OidcSecret`, {
        name: secretName(env, `oidc/${ui.name}`),
        description: `${resourcePrefix(env)}: Cognito OIDC client of ${ui.name} (client_id, client_secret, issuer)`,
        kmsKeyId: props.foundation.projectKey.key.arn,
        recoveryWindowInDays: SECRET_RECOVERY_WINDOW_DAYS,
      });
      // The client secret goes from the Cognito resource to the secret version inside Terraform: it is in the state
      // (the S3 backend, encrypted), never in code or dist/.
      const value: OidcClientSecret = {
        client_id: client.id,
        client_secret: client.clientSecret,
        issuer: this.issuerUrl,
      };
      new SecretsmanagerSecretVersion(this, `${ui.id}OidcSecretVersion`, {
        secretId: secret.id,
        secretString: Fn.jsonencode(value),
      });
      secrets[ui.name] = secret;
    }
    this.clients = clients as Record<WebUiName, CognitoUserPoolClient>;
    this.oidcSecrets = secrets as Record<WebUiName, SecretsmanagerSecret>;

    new TerraformOutput(this, 'UserPoolId', {
      value: this.userPool.id,
      description: 'Cognito user pool of the web UIs; create users with `aws cognito-idp admin-create-user`.',
    });
    new TerraformOutput(this, 'IssuerUrl', {
      value: this.issuerUrl,
      description: 'OIDC issuer of the pool.',
    });
    new TerraformOutput(this, 'HostedUiUrl', {
      value: this.hostedUiUrl,
      description: 'Cognito hosted sign-in UI (the UIs redirect here).',
    });
  }
}
