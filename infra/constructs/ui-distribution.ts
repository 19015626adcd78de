import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import type { CloudfrontVpcOrigin } from '@cdktf/provider-aws/lib/cloudfront-vpc-origin';
import type { CloudwatchLogDeliveryDestination } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination';
import { CloudwatchLogDelivery } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery';
import { CloudwatchLogDeliverySource } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery-source';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Construct } from 'constructs';
import { EDGE_UI_HEADER } from '../../config';

/** AWS managed cache policy "CachingDisabled": the UIs are dynamic and per user. */
export const CACHING_DISABLED_POLICY_ID = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
/** AWS managed origin request policy "AllViewer": headers (Host too), cookies and query strings reach the ALB. */
export const ALL_VIEWER_ORIGIN_REQUEST_POLICY_ID = '216adef6-5c7f-47e4-b989-5492eafa07d3';
/** AWS managed response headers policy "SecurityHeadersPolicy": HSTS, nosniff, frame-options SAMEORIGIN, referrer. */
export const SECURITY_HEADERS_POLICY_ID = '67f7725c-6f97-4210-82d7-5512b31e9d03';
/** Name of the header CloudFront adds to every origin request; the ALB rejects requests without it. */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';

/** Serving a UI under its own host name (custom domain). */
export interface UiCustomHost {
  /** Fully qualified host name, e.g. `jupyter.data.example.com`. */
  readonly hostName: string;
  /** Route 53 hosted zone that receives the alias records. */
  readonly hostedZoneId: string;
  /** ARN of a validated ACM certificate in us-east-1 covering the host name. */
  readonly certificateArn: string;
}

/** Props of {@link UiDistribution}. */
export interface UiDistributionProps {
  /** Short name of the UI (`jupyterhub`, `argo`): origin id, comment, log source name and `X-Edge-Ui` use it. */
  readonly ui: string;
  /** Physical name stem (`<prefix>-<env>`) so two deployments in one account do not collide. */
  readonly namePrefix: string;
  /** The CloudFront VPC origin of the internal ALB that serves the UI. */
  readonly vpcOrigin: CloudfrontVpcOrigin;
  /** DNS name of that ALB. */
  readonly originDomainName: string;
  /** Value of the {@link ORIGIN_VERIFY_HEADER} header (a reference to the secret, never a literal). */
  readonly originVerifyValue: string;
  /** CloudFront price class. */
  readonly priceClass: string;
  /**
   * Own host name, certificate and DNS records.
   * @default - the distribution's `*.cloudfront.net` name and the default certificate
   */
  readonly customHost?: UiCustomHost;
  /**
   * ARN of a CLOUDFRONT-scoped WAFv2 web ACL.
   * @default - no web ACL
   */
  readonly webAclArn?: string;
  /** Where access logs go (standard logging v2); the delivery source must live in us-east-1. */
  readonly accessLogs: {
    /** Provider for us-east-1. */
    readonly provider: AwsProvider;
    /** The delivery destination (the logs bucket). */
    readonly destination: CloudwatchLogDeliveryDestination;
  };
}

/**
 * One web UI at the edge: a CloudFront distribution in front of a private ALB (through a VPC origin, so the ALB needs
 * no public address), with HTTPS for viewers, caching off, a secret origin header, access logs and, with a custom
 * domain, its certificate, alias and DNS records.
 */
export class UiDistribution extends Construct {
  /** The distribution. */
  public readonly distribution: CloudfrontDistribution;
  /** Host name users open: the custom host or the distribution's CloudFront domain name. */
  public readonly hostName: string;
  /** `https://<hostName>`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: UiDistributionProps) {
    super(scope, id);
    const { ui, customHost } = props;
    const originId = `${ui}-alb`;

    this.distribution = new CloudfrontDistribution(this, 'Resource', {
      enabled: true,
      comment: `${props.namePrefix} ${ui}`,
      aliases: customHost ? [customHost.hostName] : undefined,
      httpVersion: 'http2and3',
      isIpv6Enabled: true,
      priceClass: props.priceClass,
      webAclId: props.webAclArn,
      origin: [
        {
          originId,
          domainName: props.originDomainName,
          vpcOriginConfig: { vpcOriginId: props.vpcOrigin.id },
          // The secret header proves the request came through CloudFront; the UI header tells the shared ALB which
          // UI's rule applies (CloudFront overwrites a viewer's header of the same name).
          customHeader: [
            { name: ORIGIN_VERIFY_HEADER, value: props.originVerifyValue },
            { name: EDGE_UI_HEADER, value: ui },
          ],
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: originId,
        viewerProtocolPolicy: 'redirect-to-https',
        allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
        cachedMethods: ['GET', 'HEAD'],
        cachePolicyId: CACHING_DISABLED_POLICY_ID,
        originRequestPolicyId: ALL_VIEWER_ORIGIN_REQUEST_POLICY_ID,
        responseHeadersPolicyId: SECURITY_HEADERS_POLICY_ID,
      },
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: customHost
        ? {
            acmCertificateArn: customHost.certificateArn,
            sslSupportMethod: 'sni-only',
            minimumProtocolVersion: 'TLSv1.2_2021',
          }
        : // The *.cloudfront.net certificate accepts TLSv1 and up whatever is asked for; a minimum protocol version
          // needs a certificate of your own (set edge.customDomain).
          { cloudfrontDefaultCertificate: true },
    });

    this.hostName = customHost?.hostName ?? this.distribution.domainName;
    this.url = `https://${this.hostName}`;

    // Standard logging v2 (CloudWatch Logs vended delivery): legacy logging writes with ACLs, which the logs bucket
    // disables (BucketOwnerEnforced). CloudFront delivery sources exist only in us-east-1.
    const source = new CloudwatchLogDeliverySource(this, 'AccessLogSource', {
      provider: props.accessLogs.provider,
      name: `${props.namePrefix}-${ui}-cloudfront`,
      logType: 'ACCESS_LOGS',
      resourceArn: this.distribution.arn,
    });
    new CloudwatchLogDelivery(this, 'AccessLogDelivery', {
      provider: props.accessLogs.provider,
      deliverySourceName: source.name,
      deliveryDestinationArn: props.accessLogs.destination.arn,
      s3DeliveryConfiguration: [{ suffixPath: 'cloudfront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}' }],
    });

    if (customHost) {
      for (const [recordId, type] of [
        ['DnsA', 'A'],
        ['DnsAaaa', 'AAAA'],
      ] as const) {
        new Route53Record(this, recordId, {
          zoneId: customHost.hostedZoneId,
          name: customHost.hostName,
          type,
          alias: {
            name: this.distribution.domainName,
            zoneId: this.distribution.hostedZoneId,
            evaluateTargetHealth: false,
          },
        });
      }
    }
  }
}
