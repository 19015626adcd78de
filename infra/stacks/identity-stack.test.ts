import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { cognitoDomainPrefix, secretName } from '../../config';
import { DEV, PROD, devWith, resourcesOf, synthStack, testApp } from '../testing';
import { EdgeStack } from './edge-stack';
import { FoundationStack } from './foundation-stack';
import { IdentityStack } from './identity-stack';

/** The identity stack with the UI URLs of an edge stack of the same app, as infra/app.ts wires them. */
function build(env = DEV): IdentityStack {
  const app = testApp();
  const foundation = new FoundationStack(app, { env });
  const edge = new EdgeStack(app, {
    env,
    foundation,
    network: { vpcId: 'vpc-0abc', privateSubnetIds: ['subnet-0a', 'subnet-0b'] },
    nodeSecurityGroupId: 'sg-0nodes',
  });
  return new IdentityStack(app, { env, foundation, uiUrls: edge.uiUrls });
}
const synth = (env = DEV) => {
  const stack = build(env);
  stack.prepareStack();
  return synthStack(stack);
};
const KEY_ARN =
  '${data.terraform_remote_state.cross_stack_reference_input_dev_foundation.outputs.cross_stack_output_aws_kms_key_project_key_arn}';
const edgeUrl = (ui: string) =>
  `https://\${data.terraform_remote_state.cross_stack_reference_input_dev_edge.outputs.cross_stack_output_aws_cloudfront_distribution_${ui}_domain_name}`;

describe('IdentityStack', () => {
  const { raw, json } = synth();
  const pool = () => resourcesOf(json, 'aws_cognito_user_pool').user_pool;

  test('is named after the environment', () => {
    expect(build(PROD).node.id).toBe('prod-identity');
  });

  test('only administrators create users; nobody signs up', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, CognitoUserPool.tfResourceType, {
        name: 'sqletl-dev-users',
        admin_create_user_config: { allow_admin_create_user_only: true },
      }),
    ).toBe(true);
  });

  test('users sign in with their e-mail address, recovered through verified e-mail only', () => {
    expect(pool()).toMatchObject({
      username_attributes: ['email'],
      username_configuration: { case_sensitive: false },
      auto_verified_attributes: ['email'],
      account_recovery_setting: { recovery_mechanism: [{ name: 'verified_email', priority: 1 }] },
    });
  });

  test('enforces a strong password policy', () => {
    expect(pool().password_policy).toEqual({
      minimum_length: 14,
      require_lowercase: true,
      require_uppercase: true,
      require_numbers: true,
      require_symbols: true,
      password_history_size: 5,
      temporary_password_validity_days: 3,
    });
  });

  test('requires TOTP MFA for everyone and no SMS', () => {
    expect(pool()).toMatchObject({
      mfa_configuration: 'ON',
      software_token_mfa_configuration: { enabled: true },
    });
    expect(pool().sms_configuration).toBeUndefined();
  });

  test('turns threat protection on (Plus plan) and blocks compromised credentials', () => {
    expect(pool()).toMatchObject({
      user_pool_tier: 'PLUS',
      user_pool_add_ons: { advanced_security_mode: 'ENFORCED' },
    });
    expect(resourcesOf(json, 'aws_cognito_risk_configuration').risk_configuration).toMatchObject({
      user_pool_id: '${aws_cognito_user_pool.user_pool.id}',
      compromised_credentials_risk_configuration: {
        event_filter: ['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'],
        actions: { event_action: 'BLOCK' },
      },
    });
  });

  test('the risk configuration is one the AWS provider 6.x accepts: no account takeover without notification', () => {
    // Provider 6.x requires notify_configuration (with an SES source_arn) inside account_takeover_risk_configuration.
    for (const config of Object.values(resourcesOf(json, 'aws_cognito_risk_configuration'))) {
      const takeover = config.account_takeover_risk_configuration as Record<string, unknown> | undefined;
      if (takeover === undefined) continue;
      const notify = takeover.notify_configuration as { source_arn?: string } | undefined;
      expect(notify?.source_arn).toMatch(/^arn:aws:ses:/);
    }
    expect(Object.keys(resourcesOf(json, 'aws_cognito_risk_configuration'))).toHaveLength(1);
  });

  test('the pool is protected against deletion', () => {
    expect(pool().deletion_protection).toBe('ACTIVE');
  });

  test('the hosted UI domain comes from the naming function', () => {
    expect(
      Testing.toHaveResourceWithProperties(raw, CognitoUserPoolDomain.tfResourceType, {
        domain: cognitoDomainPrefix(DEV),
        user_pool_id: '${aws_cognito_user_pool.user_pool.id}',
      }),
    ).toBe(true);
  });

  test('creates one app client per published UI', () => {
    expect(Object.keys(resourcesOf(json, 'aws_cognito_user_pool_client')).sort()).toEqual([
      'argo_client',
      'jupyterhub_client',
    ]);
  });

  test('outputs the pool id, the issuer and the hosted UI', () => {
    expect(json.output).toMatchObject({
      user_pool_id: { value: '${aws_cognito_user_pool.user_pool.id}' },
      issuer_url: { value: 'https://${aws_cognito_user_pool.user_pool.endpoint}' },
      hosted_ui_url: { value: 'https://sqletl-dev-111122223333.auth.us-east-1.amazoncognito.com' },
    });
  });

  test('another prefix gives other physical names', () => {
    const other = synth(devWith({ prefix: 'other' })).json;
    expect(resourcesOf(other, 'aws_cognito_user_pool').user_pool.name).toBe('other-dev-users');
    expect(resourcesOf(other, 'aws_cognito_user_pool_domain').domain.domain).toBe('other-dev-111122223333');
  });

  test('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });

  test('creates the SSO groups the UIs authorize on, and every team’s members and engineers groups', () => {
    const groups = Object.values(resourcesOf(json, 'aws_cognito_user_group')).map((g) => g.name);
    expect(groups.sort()).toEqual(
      [
        'analytics-engineers',
        'analytics-members',
        'data-engineers',
        'data-platform-engineers',
        'data-platform-members',
        'data-viewers',
        'platform-admins',
      ].sort(),
    );
  });

  test("app clients use the authorization code flow only, with a secret, against the edge stack's hosts", () => {
    const clients = resourcesOf(json, 'aws_cognito_user_pool_client');
    for (const [name, path] of [
      ['jupyterhub', '/hub/oauth_callback'],
      ['argo', '/oauth2/callback'],
    ]) {
      expect(clients[`${name}_client`]).toMatchObject({
        name: `sqletl-dev-${name}`,
        user_pool_id: '${aws_cognito_user_pool.user_pool.id}',
        generate_secret: true,
        allowed_oauth_flows_user_pool_client: true,
        allowed_oauth_flows: ['code'],
        allowed_oauth_scopes: ['openid', 'email', 'profile'],
        supported_identity_providers: ['COGNITO'],
        explicit_auth_flows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        callback_urls: [`${edgeUrl(name)}${path}`],
      });
    }
  });

  test('reads the UI URLs from the edge stack, which is applied before it (remote state)', () => {
    expect(
      Object.values(json.data!.terraform_remote_state)
        .map((r) => (r.config as { key: string }).key)
        .sort(),
    ).toEqual(['sql-etl-on-eks/dev/dev-edge.tfstate', 'sql-etl-on-eks/dev/dev-foundation.tfstate']);
  });

  test('with a custom domain the callback URLs use the custom hosts', () => {
    const custom = synth(
      devWith({ edge: { customDomain: { domainName: 'data.example.com', hostedZoneId: 'Z0123456789ABC' } } }),
    ).raw;
    expect(
      Testing.toHaveResourceWithProperties(custom, CognitoUserPoolClient.tfResourceType, {
        callback_urls: ['https://jupyter.data.example.com/hub/oauth_callback'],
        allowed_oauth_flows: ['code'],
      }),
    ).toBe(true);
    expect(
      Testing.toHaveResourceWithProperties(custom, CognitoUserPoolClient.tfResourceType, {
        callback_urls: ['https://argo.data.example.com/oauth2/callback'],
      }),
    ).toBe(true);
  });

  test('client secrets are stored KMS-encrypted under the names the ExternalSecrets read', () => {
    const secrets = resourcesOf(json, 'aws_secretsmanager_secret');
    const versions = resourcesOf(json, 'aws_secretsmanager_secret_version');
    for (const name of ['jupyterhub', 'argo']) {
      expect(secrets[`${name}_oidc_secret`]).toMatchObject({
        name: `sqletl/dev/oidc/${name}`,
        kms_key_id: KEY_ARN,
        recovery_window_in_days: 30,
      });
      expect(secrets[`${name}_oidc_secret`].name).toBe(secretName(DEV, `oidc/${name}`));
      const value = versions[`${name}_oidc_secret_version`].secret_string as string;
      expect(value).toMatch(/^\$\{jsonencode\(\{/);
      expect(value).toContain(`"client_id" = aws_cognito_user_pool_client.${name}_client.id`);
      expect(value).toContain(`"client_secret" = aws_cognito_user_pool_client.${name}_client.client_secret`);
      expect(value).toContain('"issuer" = "https://${aws_cognito_user_pool.user_pool.endpoint}"');
    }
  });
});
