import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { CloudfrontVpcOrigin } from '@cdktf/provider-aws/lib/cloudfront-vpc-origin';
import { CloudwatchLogDeliveryDestination } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { DataAwsLb } from '@cdktf/provider-aws/lib/data-aws-lb';
import { DataAwsSecretsmanagerRandomPassword } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Fn, TerraformIterator, TerraformOutput, Token } from 'cdktf';
import type { Construct } from 'constructs';
import {
  bucketArn,
  clusterName,
  ingressGroupName,
  resourcePrefix,
  secretName,
  type EnvironmentConfig,
} from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import { UiDistribution, type UiCustomHost } from '../constructs/ui-distribution';
import type { FoundationStack } from './foundation-stack';
import type { IdentityStack } from './identity-stack';

/** Props of {@link EdgeStack}. */
export interface EdgeStackProps extends EnvironmentStackProps {
  /** The foundation of the same environment (project key for the secrets). */
  readonly foundation: FoundationStack;
  /** The identity stack of the same environment (user pool the UIs sign in with). */
  readonly identity: IdentityStack;
}

/** A web UI behind the edge. */
interface WebUi {
  /** Key in `env.edge.originDomains` and in physical names. */
  readonly name: 'jupyterhub' | 'argo';
  /** Construct id stem (Terraform address). */
  readonly id: string;
  /** Host label under the custom domain. */
  readonly subdomain: string;
  /** Path the UI's OAuth client receives the authorization code on. */
  readonly callbackPath: string;
}

/** The UIs served through CloudFront, with the OAuth callback path each one's authenticator uses. */
export const WEB_UIS: readonly WebUi[] = [
  // JupyterHub's OAuthenticator.
  { name: 'jupyterhub', id: 'Jupyterhub', subdomain: 'jupyter', callbackPath: '/hub/oauth_callback' },
  // Argo Server SSO.
  { name: 'argo', id: 'Argo', subdomain: 'argo', callbackPath: '/oauth2/callback' },
];

/**
 * Days Secrets Manager keeps a deleted secret recoverable.
 * @default 30
 */
export const SECRET_RECOVERY_WINDOW_DAYS = 30;

/** What one UI's secret in `secretName(env, 'oidc/<ui>')` holds (JSON). */
export interface OidcClientSecret {
  readonly client_id: string;
  readonly client_secret: string;
  readonly issuer: string;
}

/** Host name of a UI under the custom domain, e.g. `jupyter.data.example.com`. */
export function uiHostName(domainName: string, ui: WebUi): string {
  return `${ui.subdomain}.${domainName}`;
}

/**
 * ALB name from its DNS name (`internal-<name>-<id>.<region>.elb.amazonaws.com`). Only internal ALBs are accepted:
 * the VPC origin reaches them privately and they never need a public address.
 */
export function albNameFromDnsName(
  env: Pick<EnvironmentConfig, 'region'>,
  ui: string,
  dnsName: string,
): string {
  const match = /^internal-([A-Za-z0-9-]{1,32})-\d+\.([a-z0-9-]+)\.elb\.amazonaws\.com$/.exec(dnsName);
  if (!match) {
    throw new Error(
      `edge.originDomains.${ui} '${dnsName}' is not the DNS name of an internal ALB ` +
        `(internal-<name>-<id>.<region>.elb.amazonaws.com); use the internal ALB the load balancer controller ` +
        `created, or leave the field out to look the ALB up by its ingress group tag`,
    );
  }
  if (match[2] !== env.region) {
    throw new Error(
      `edge.originDomains.${ui} '${dnsName}' is in ${match[2]}, but the environment is in ${env.region}`,
    );
  }
  return match[1];
}

/** The ALB behind one or more UIs, reached through a CloudFront VPC origin. */
interface AlbOrigin {
  readonly vpcOrigin: CloudfrontVpcOrigin;
  readonly domainName: string;
}

/**
 * The web edge: one CloudFront distribution per UI (JupyterHub, Argo Workflows) in front of the platform's internal
 * ALB, reached through a CloudFront VPC origin (no public load balancer), plus the Cognito app client of each UI,
 * whose callback URL needs the distribution's host name (see {@link IdentityStack} for why the clients live here).
 *
 * Order of deployment: the platform's ingresses must exist before this stack, because without
 * `edge.originDomains` the ALB is looked up by the tags the load balancer controller puts on it.
 */
export class EdgeStack extends EnvironmentStack {
  /** Provider for us-east-1 (CloudFront certificates and log delivery sources live only there). */
  public readonly usEast1: AwsProvider;
  /** The distribution of each UI, by UI name. */
  public readonly distributions: Readonly<Record<WebUi['name'], UiDistribution>>;
  /** The Cognito app client of each UI, by UI name. */
  public readonly clients: Readonly<Record<WebUi['name'], CognitoUserPoolClient>>;
  /** Secret of each UI's OIDC client (`{client_id, client_secret, issuer}`), by UI name. */
  public readonly oidcSecrets: Readonly<Record<WebUi['name'], SecretsmanagerSecret>>;
  /**
   * Secret holding the `X-Origin-Verify` value. The ALB listener rules that require the header read the same secret,
   * so only CloudFront can reach the UIs. Rotate by replacing the secret version
   * (`terraform apply -replace=aws_secretsmanager_secret_version.origin_verify_secret_version`).
   */
  public readonly originVerifySecret: SecretsmanagerSecret;

  constructor(scope: Construct, props: EdgeStackProps) {
    super(scope, 'edge', props);
    const { env, foundation, identity } = props;
    const key = foundation.projectKey.key;
    const prefix = resourcePrefix(env);
    const customDomain = env.edge.customDomain;

    this.usEast1 = new AwsProvider(this, 'UsEast1', {
      alias: 'us_east_1',
      region: 'us-east-1',
      allowedAccountIds: [env.account],
      defaultTags: this.provider.defaultTags,
    });

    // The header value is generated by Secrets Manager at plan time and kept in the secret version; ignore_changes
    // stops the data source's new value on every plan from rotating it. The distributions read the stored value.
    const originVerifyValue = new DataAwsSecretsmanagerRandomPassword(this, 'OriginVerifyValue', {
      passwordLength: 64,
      // Header-safe characters only.
      excludePunctuation: true,
      includeSpace: false,
    });
    this.originVerifySecret = new SecretsmanagerSecret(this, 'OriginVerifySecret', {
      name: secretName(env, 'edge/origin-verify'),
      description: `${prefix}: value of the X-Origin-Verify header CloudFront sends to the UI load balancer`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: SECRET_RECOVERY_WINDOW_DAYS,
    });
    const originVerifyVersion = new SecretsmanagerSecretVersion(this, 'OriginVerifySecretVersion', {
      secretId: this.originVerifySecret.id,
      secretString: originVerifyValue.randomPassword,
      lifecycle: { ignoreChanges: ['secret_string'] },
    });

    const certificateArn = customDomain ? this.certificate(customDomain) : undefined;

    // Access logs: one S3 destination for both distributions, in the logs bucket (name computed from the config).
    // The bucket policy and the project key policy must allow delivery.logs.amazonaws.com (foundation stack).
    const logDestination = new CloudwatchLogDeliveryDestination(this, 'AccessLogDestination', {
      provider: this.usEast1,
      name: `${prefix}-cloudfront`,
      outputFormat: 'json',
      deliveryDestinationConfiguration: [{ destinationResourceArn: bucketArn(env, 'logs') }],
    });

    const origins = new Map<string, AlbOrigin>();
    const distributions: Partial<Record<WebUi['name'], UiDistribution>> = {};
    const clients: Partial<Record<WebUi['name'], CognitoUserPoolClient>> = {};
    const secrets: Partial<Record<WebUi['name'], SecretsmanagerSecret>> = {};

    for (const ui of WEB_UIS) {
      const origin = this.albOrigin(origins, ui);
      const customHost: UiCustomHost | undefined =
        customDomain && certificateArn
          ? {
              hostName: uiHostName(customDomain.domainName, ui),
              hostedZoneId: customDomain.hostedZoneId,
              certificateArn,
            }
          : undefined;
      const site = new UiDistribution(this, ui.id, {
        ui: ui.name,
        namePrefix: prefix,
        vpcOrigin: origin.vpcOrigin,
        originDomainName: origin.domainName,
        originVerifyValue: originVerifyVersion.secretString,
        priceClass: env.edge.priceClass,
        customHost,
        webAclArn: env.edge.webAclArn,
        accessLogs: { provider: this.usEast1, destination: logDestination },
      });
      distributions[ui.name] = site;

      const client = new CognitoUserPoolClient(this, `${ui.id}Client`, {
        name: `${prefix}-${ui.name}`,
        userPoolId: identity.userPool.id,
        generateSecret: true,
        // Authorization code flow only (no implicit flow, no password or SRP flows from the app).
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ['code'],
        allowedOauthScopes: ['openid', 'email', 'profile'],
        supportedIdentityProviders: ['COGNITO'],
        callbackUrls: [`${site.url}${ui.callbackPath}`],
        explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        preventUserExistenceErrors: 'ENABLED',
        enableTokenRevocation: true,
      });
      clients[ui.name] = client;

      const secret = new SecretsmanagerSecret(this, `${ui.id}OidcSecret`, {
        name: secretName(env, `oidc/${ui.name}`),
        description: `${prefix}: Cognito OIDC client of ${ui.name} (client_id, client_secret, issuer)`,
        kmsKeyId: key.arn,
        recoveryWindowInDays: SECRET_RECOVERY_WINDOW_DAYS,
      });
      // The client secret goes from the Cognito resource to the secret version inside Terraform: it is in the state
      // (the S3 backend, encrypted), never in code or dist/.
      const value: OidcClientSecret = {
        client_id: client.id,
        client_secret: client.clientSecret,
        issuer: identity.issuerUrl,
      };
      new SecretsmanagerSecretVersion(this, `${ui.id}OidcSecretVersion`, {
        secretId: secret.id,
        secretString: Fn.jsonencode(value),
      });
      secrets[ui.name] = secret;

      new TerraformOutput(this, `${ui.id}Url`, { value: site.url, description: `URL of ${ui.name}.` });
      new TerraformOutput(this, `${ui.id}DistributionId`, {
        value: site.distribution.id,
        description: `CloudFront distribution of ${ui.name} (for invalidations and logs).`,
      });
    }
    this.distributions = distributions as Record<WebUi['name'], UiDistribution>;
    this.clients = clients as Record<WebUi['name'], CognitoUserPoolClient>;
    this.oidcSecrets = secrets as Record<WebUi['name'], SecretsmanagerSecret>;

    new TerraformOutput(this, 'OriginVerifySecretArn', {
      value: this.originVerifySecret.arn,
      description: 'Secret with the X-Origin-Verify header value the UI load balancer must require.',
    });
  }

  /**
   * The VPC origin of the ALB that serves a UI, shared by UIs on the same ALB. The ALB comes from
   * `edge.originDomains.<ui>` when set, else from the tags the load balancer controller puts on the ALB of the
   * platform's ingress group (so the ingresses must be deployed first).
   */
  private albOrigin(origins: Map<string, AlbOrigin>, ui: WebUi): AlbOrigin {
    const { env } = this;
    const configured = env.edge.originDomains[ui.name];
    const cacheKey = configured ?? 'ingress-group';
    const existing = origins.get(cacheKey);
    if (existing) return existing;

    const idStem = configured === undefined ? 'IngressAlb' : `${ui.id}Alb`;
    const lb =
      configured === undefined
        ? new DataAwsLb(this, idStem, {
            tags: {
              'elbv2.k8s.aws/cluster': clusterName(env),
              'ingress.k8s.aws/stack': ingressGroupName(env),
            },
          })
        : new DataAwsLb(this, idStem, { name: albNameFromDnsName(env, ui.name, configured) });

    const vpcOrigin = new CloudfrontVpcOrigin(this, `${idStem}Origin`, {
      vpcOriginEndpointConfig: [
        {
          name: configured === undefined ? ingressGroupName(env) : `${resourcePrefix(env)}-${ui.name}`,
          arn: lb.arn,
          httpPort: 80,
          httpsPort: 443,
          // With a custom domain the ALB holds a certificate for the UI host, and CloudFront checks it against the
          // forwarded Host header: HTTPS end to end. Without one there is no name the ALB could prove, so traffic
          // crosses the last hop in plain HTTP — but only over the VPC origin's private path to an internal ALB
          // (no public address, security group open to CloudFront's VPC origin group only) and only with the secret
          // origin header; there is no public HTTP origin in either case.
          originProtocolPolicy: env.edge.customDomain ? 'https-only' : 'http-only',
          originSslProtocols: [{ items: ['TLSv1.2'], quantity: 1 }],
        },
      ],
    });
    const origin = { vpcOrigin, domainName: lb.dnsName };
    origins.set(cacheKey, origin);
    return origin;
  }

  /**
   * ACM certificate (us-east-1, as CloudFront requires) for every UI host, validated through DNS records in the
   * hosted zone. Returns the ARN of the validated certificate, so distributions wait for validation.
   */
  private certificate(domain: { domainName: string; hostedZoneId: string }): string {
    const [first, ...rest] = WEB_UIS.map((ui) => uiHostName(domain.domainName, ui));
    const certificate = new AcmCertificate(this, 'Certificate', {
      provider: this.usEast1,
      domainName: first,
      subjectAlternativeNames: rest,
      validationMethod: 'DNS',
      // A replacement certificate must exist before the distributions let go of the old one.
      lifecycle: { createBeforeDestroy: true },
    });
    const options = TerraformIterator.fromComplexList(certificate.domainValidationOptions, 'domain_name');
    const records = new Route53Record(this, 'CertificateValidationRecord', {
      forEach: options,
      zoneId: domain.hostedZoneId,
      name: options.getString('resource_record_name'),
      type: options.getString('resource_record_type'),
      records: [options.getString('resource_record_value')],
      ttl: 300,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, 'CertificateValidation', {
      provider: this.usEast1,
      certificateArn: certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(records).pluckProperty('fqdn')),
    });
    return validation.certificateArn;
  }
}
