import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { cognitoDomainPrefix } from '../../config';
import { DEV, PROD, devWith, resourcesOf, synthStack, testApp } from '../testing';
import { FoundationStack } from './foundation-stack';
import { IdentityStack } from './identity-stack';

function build(env = DEV): IdentityStack {
  const app = testApp();
  const foundation = new FoundationStack(app, { env });
  return new IdentityStack(app, { env, foundation });
}
const synth = (env = DEV) => synthStack(build(env));

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

  test('creates no app clients (the edge stack does, it knows the callback hosts)', () => {
    expect(resourcesOf(json, 'aws_cognito_user_pool_client')).toEqual({});
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

  test('creates the SSO groups the UIs authorize on', () => {
    const groups = Object.values(resourcesOf(json, 'aws_cognito_user_group')).map((g) => g.name);
    expect(groups.sort()).toEqual(['data-engineers', 'data-viewers', 'platform-admins']);
  });
});
