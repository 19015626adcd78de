import { CognitoRiskConfiguration } from '@cdktf/provider-aws/lib/cognito-risk-configuration';
import { CognitoUserGroup } from '@cdktf/provider-aws/lib/cognito-user-group';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { SSO_GROUPS, cognitoDomainPrefix, resourcePrefix } from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import type { FoundationStack } from './foundation-stack';

/** Props of {@link IdentityStack}. */
export interface IdentityStackProps extends EnvironmentStackProps {
  /**
   * The foundation of the same environment. Nothing here uses the project key yet: Cognito encrypts user pools
   * with an AWS-owned key and offers no customer-managed key option (only for custom sender triggers); the OIDC
   * client secrets are stored by the edge stack, encrypted with the project key.
   */
  readonly foundation: FoundationStack;
}

/** Minimum password length of the user pool (NIST SP 800-63B recommends at least 15 without MFA, 8 with). */
const MIN_PASSWORD_LENGTH = 14;

/**
 * Who may sign in to the web UIs: a Cognito user pool whose users an administrator creates (nobody signs up), with
 * e-mail addresses as user names, TOTP MFA for everyone and threat protection, and its hosted sign-in domain.
 *
 * The app clients of the UIs are created by the edge stack, not here: without a custom domain their callback URLs
 * contain the CloudFront domain names, which AWS assigns only when the distributions exist, and the edge stack
 * already depends on this one. Keeping pool and clients in one stack would need a dependency cycle or a second
 * apply; this way the order is simply identity → edge and every apply converges in one pass.
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

  constructor(scope: Construct, props: IdentityStackProps) {
    super(scope, 'identity', props);
    const { env } = props;

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

    this.domain = new CognitoUserPoolDomain(this, 'Domain', {
      domain: cognitoDomainPrefix(env),
      userPoolId: this.userPool.id,
      // The classic hosted UI: managed login (version 2) shows nothing until a branding style is created.
      managedLoginVersion: 1,
    });

    this.issuerUrl = `https://${this.userPool.endpoint}`;
    this.hostedUiUrl = `https://${cognitoDomainPrefix(env)}.auth.${env.region}.amazoncognito.com`;

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
