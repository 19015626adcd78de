import { z } from 'zod';
import { AWS_REGIONS, AWS_REGIONS_AS_OF, isAwsRegion } from './aws-regions';
import { SYSTEM_INSTANCE_CAPACITY } from './system-instances';
import { closest } from './pipelines/suggest';
import { TeamSchema, teamProblems } from './teams';
import { DEFAULT_EKS_VERSION, SUPPORTED_EKS_VERSIONS } from './versions';

/** A region of {@link AWS_REGIONS}, with a "did you mean" among them when the value is close to one. */
function regionField(example: string) {
  return z.string({ error: `use an AWS region code such as ${example}` }).refine(isAwsRegion, {
    error: (issue) => {
      const guess = typeof issue.input === 'string' ? closest(issue.input, AWS_REGIONS) : undefined;
      return (
        `not an AWS region code; ${guess === undefined ? `use one such as ${example}` : `did you mean "${guess}"?`} ` +
        `(the regions the kit knows, as of ${AWS_REGIONS_AS_OF}, are in config/aws-regions.ts)`
      );
    },
  });
}
const BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `a.b.c.d/n` into its 32-bit network address and prefix length, or undefined when malformed. */
export function parseCidr(cidr: string): { address: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

function isPrivateCidr(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  if (!parsed) return false;
  const inRange = (base: string, bits: number) => {
    const b = parseCidr(`${base}/${bits}`)!;
    const size = 2 ** (32 - bits);
    return parsed.address >= b.address && parsed.address + 2 ** (32 - parsed.prefix) <= b.address + size;
  };
  return inRange('10.0.0.0', 8) || inRange('172.16.0.0', 12) || inRange('192.168.0.0', 16);
}

/**
 * Why `cidr` is not an IPv4 CIDR, naming the part that is wrong (an octet above 255, a prefix above 32, missing
 * prefix), or undefined when it is one.
 */
export function cidrSyntaxProblem(cidr: string, example: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (match === null) return `not an IPv4 CIDR; write it as a.b.c.d/n, e.g. "${example}"`;
  const octet = match.slice(1, 5).find((o) => Number(o) > 255);
  if (octet !== undefined)
    return `octet ${octet} is above 255; each of the four numbers is 0–255, e.g. "${example}"`;
  if (Number(match[5]) > 32) {
    return `prefix length /${match[5]} is above /32, the longest an IPv4 prefix can be, e.g. "${example}"`;
  }
  return undefined;
}

/** Why a well-formed CIDR cannot be the VPC's, or undefined. */
function vpcCidrProblem(cidr: string): string | undefined {
  const { prefix } = parseCidr(cidr)!;
  if (prefix < 16 || prefix > 22) {
    return `prefix length /${prefix}: the VPC needs /16 to /22 (AWS allows /16–/28; smaller leaves no room for pods), e.g. "10.0.0.0/16"`;
  }
  if (!isPrivateCidr(cidr)) return 'use a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)';
  return hostBitsProblem(cidr);
}

/** "host bits are set" with the network address to use instead (AWS rejects such CIDRs), or undefined. */
function hostBitsProblem(cidr: string): string | undefined {
  const { address, prefix } = parseCidr(cidr)!;
  const size = 2 ** (32 - prefix);
  if (address % size === 0) return undefined;
  return `host bits are set; use the network address "${formatAddress(address - (address % size))}/${prefix}"`;
}

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/** Retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const retentionDays = z.number().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
  error: `CloudWatch Logs accepts ${LOG_RETENTION_DAYS.join(', ')} days`,
});

/** Characters AWS accepts in tag keys and values (letters, digits, spaces and `_ . : / = + - @`). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_TEXT_ERROR =
  'AWS tags allow letters, digits, spaces and _ . : / = + - @ only (apply would fail); replace the other characters';

const tagKey = z
  .string()
  .min(1)
  .max(128, { error: 'a tag key has at most 128 characters' })
  .regex(TAG_TEXT, { error: TAG_TEXT_ERROR })
  .refine((k) => !k.toLowerCase().startsWith('aws:'), {
    error: 'tag keys starting with "aws:" are reserved by AWS',
  });

/** The fields of an environment file; {@link EnvironmentSchema} adds the checks across fields. */
const EnvironmentFields = z.strictObject({
  /** Environment name; also the file name and part of every physical name. */
  name: z.string().regex(/^[a-z][a-z0-9]{1,7}$/, {
    error: 'use 2–8 lowercase letters or digits, starting with a letter (e.g. "dev", "prod", "stage2")',
  }),
  /** AWS account id the environment deploys into. */
  account: z
    .string()
    .regex(/^\d{12}$/, { error: 'an AWS account id is exactly 12 digits, e.g. "111122223333"' }),
  /** AWS region. */
  region: regionField('"us-east-1" or "eu-west-1"'),
  /** Naming prefix that keeps several deployments in one account apart. */
  prefix: z.string().regex(/^[a-z][a-z0-9]{1,9}$/, {
    error: 'use 2–10 lowercase letters or digits, starting with a letter (e.g. "sqletl")',
  }),
  network: z.strictObject({
    /** VPC CIDR block: a private range between /16 and /22. */
    cidr: z.string().superRefine((cidr, ctx) => {
      // One problem per value, the first that applies: a malformed CIDR fails every later check too.
      const problem = cidrSyntaxProblem(cidr, '10.0.0.0/16') ?? vpcCidrProblem(cidr);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }),
    /** Number of availability zones to spread subnets over. */
    azCount: z
      .number({ error: 'azCount must be a number: 2 or 3' })
      .int({ error: 'azCount must be a whole number: 2 or 3' })
      .min(2, { error: 'EKS needs subnets in at least 2 availability zones; use 2 or 3' })
      .max(3, { error: 'use 2 or 3 availability zones' }),
    /**
     * NAT gateways: one per AZ (an AZ outage does not cut the others off) or a single one (cheaper, for dev).
     * @default 'perAz'
     */
    natGateways: z
      .enum(['perAz', 'single'], { error: "use 'perAz' (one NAT gateway per AZ) or 'single'" })
      .default('perAz'),
    /**
     * Days VPC flow logs are kept in CloudWatch Logs.
     * @default 90
     */
    flowLogRetentionDays: retentionDays.default(90),
  }),
  eks: z
    .strictObject({
      /** Kubernetes minor version of the EKS control plane. @default '1.35' */
      version: z
        .enum(SUPPORTED_EKS_VERSIONS, {
          error:
            `use a Kubernetes version in EKS standard support: ${SUPPORTED_EKS_VERSIONS.join(', ')} ` +
            '(older versions are in paid extended support; upgrade one minor version at a time)',
        })
        .default(DEFAULT_EKS_VERSION),
      /**
       * CIDRs allowed to reach the public API endpoint. Empty: the endpoint is private (reachable from the VPC only).
       * @default []
       */
      publicAccessCidrs: z
        .array(
          z.string().superRefine((cidr, ctx) => {
            const problem =
              cidrSyntaxProblem(cidr, '203.0.113.0/24') ??
              (parseCidr(cidr)!.prefix === 0
                ? '0.0.0.0/0 opens the API endpoint to the internet; list your office or VPN CIDRs instead'
                : hostBitsProblem(cidr));
            if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
          }),
        )
        .default([]),
      /**
       * IAM principals (role ARNs) that get cluster access entries, with the EKS access policy they receive.
       * Nobody else can reach the API: the creator's implicit admin access is switched off.
       * @default []
       */
      admins: z
        .array(
          z.strictObject({
            principalArn: z.string().regex(/^arn:aws(-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
              error: 'use an IAM role ARN, e.g. "arn:aws:iam::111122223333:role/platform-admin"',
            }),
            access: z.enum(['cluster-admin', 'admin', 'view'], {
              error: "use 'cluster-admin', 'admin' or 'view'",
            }),
          }),
        )
        .default([]),
      /** The managed node group for platform components (Graviton, on-demand). */
      systemNodes: z
        .strictObject({
          /** @default ['m7g.large'] */
          instanceTypes: z
            .array(
              z
                .string()
                .regex(/^[a-z0-9]+g[a-z0-9]*\.[a-z0-9]+$/, {
                  error: 'system nodes run on Graviton: use an arm64 instance type such as "m7g.large"',
                  abort: true,
                })
                .refine((type) => type in SYSTEM_INSTANCE_CAPACITY, {
                  // The group is sized from the type's capacity, so only types with figures are accepted.
                  error: (issue) => {
                    const known = Object.keys(SYSTEM_INSTANCE_CAPACITY);
                    const guess = typeof issue.input === 'string' ? closest(issue.input, known) : undefined;
                    return (
                      `the system node group is sized from the instance's capacity, which config/system-instances.ts ` +
                      `lists for ${known.join(', ')}` +
                      (guess === undefined ? '' : `; did you mean "${guess}"?`) +
                      ' (add a type there, with its vCPUs, memory and pod limit, to use it)'
                    );
                  },
                }),
            )
            .min(1)
            .default(['m7g.large']),
          /**
           * Nodes the group keeps at least; infra refuses a value below what the platform's pod requests need.
           * @default - computed from the requests of every platform pod (infra/constructs/system-capacity.ts)
           */
          minSize: z.number().int().min(1, { error: 'keep at least 1 system node' }).optional(),
          /** @default - minSize + 2 */
          maxSize: z.number().int().min(1).optional(),
          /** @default - minSize */
          desiredSize: z.number().int().min(1).optional(),
          /** Root volume size in GiB. @default 50 */
          diskSizeGiB: z.number().int().min(20).default(50),
        })
        .prefault({}),
      /** Days EKS control-plane logs are kept. @default 90 */
      logRetentionDays: retentionDays.default(90),
    })
    .prefault({}),
  /** Storage, catalog and query settings. */
  data: z
    .strictObject({
      /**
       * An existing data lake bucket to use instead of creating one. IAM then grants data access to this bucket only.
       * @default - the kit creates `<prefix>-<env>-datalake-<account>-<region>`
       */
      existingDatalakeBucket: z
        .string()
        .regex(BUCKET, {
          error: 'not a valid S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)',
        })
        .optional(),
      /** Glue database for the ETL tables. @default '<prefix>_<env>' */
      glueDatabase: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,254}$/, {
          error: 'use lowercase letters, digits and underscores (Glue/Athena rules)',
        })
        .optional(),
      /** Athena: bytes one query may scan before it is cancelled. @default 10 GiB */
      athenaBytesScannedCutoff: z
        .number()
        .int()
        .min(10_485_760, { error: 'Athena requires a cutoff of at least 10 MiB (10485760 bytes)' })
        .default(10 * 1024 ** 3),
      /** Days Athena query results are kept. @default 30 */
      athenaResultsExpirationDays: z.number().int().min(1).default(30),
      /** Days noncurrent object versions are kept in versioned buckets. @default 90 */
      noncurrentVersionExpirationDays: z.number().int().min(1).default(90),
      /** Days S3 server access logs are kept. @default 365 */
      accessLogExpirationDays: z.number().int().min(1).default(365),
    })
    .prefault({}),
  /** The CloudFront edge in front of the web UIs. */
  edge: z
    .strictObject({
      /**
       * Serve the UIs under your own domain: an ACM certificate (us-east-1 for CloudFront, the environment's
       * region for the internal ALB's HTTPS listener) is requested and validated in this Route 53 hosted zone.
       * @default - the CloudFront domain names
       */
      customDomain: z
        .strictObject({
          /** Parent domain, e.g. "data.example.com": the UIs become jupyter.<domain> and argo.<domain>. */
          domainName: z
            .string()
            .regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, { error: 'use a DNS name like "data.example.com"' }),
          hostedZoneId: z
            .string()
            .regex(/^Z[A-Z0-9]{4,32}$/, { error: 'use a Route 53 hosted zone id like "Z0123456789ABC"' }),
        })
        .optional(),
      /** ARN of an existing WAFv2 web ACL (CLOUDFRONT scope) to attach. @default - none */
      webAclArn: z
        .string()
        .regex(/^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/.+$/, {
          error:
            'use the ARN of a CLOUDFRONT-scoped WAFv2 web ACL (it lives in us-east-1, under global/webacl/)',
        })
        .optional(),
      /** CloudFront price class. @default 'PriceClass_100' */
      priceClass: z.enum(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']).default('PriceClass_100'),
    })
    .prefault({}),
  /** Where Argo CD reads this environment's manifests (dist/k8s/<env> of this repository). Required. */
  gitops: z.strictObject({
    /**
     * HTTPS URL of this repository as Argo CD reaches it. Required; a placeholder URL (example domains,
     * `example-org`) is accepted only with the documentation account {@link DOCUMENTATION_ACCOUNT}.
     */
    repoUrl: z
      .string({
        error:
          'required: the HTTPS clone URL of your copy of this repository (Argo CD syncs dist/k8s/<env> from it), ' +
          'e.g. "https://github.com/<your-org>/sql-etl-on-eks.git"',
      })
      .regex(/^https:\/\/[^\s]+$/, {
        error:
          'use the HTTPS clone URL of this repository, e.g. "https://github.com/your-org/sql-etl-on-eks.git"',
      }),
    /** Branch, tag or commit Argo CD tracks. @default 'main' */
    revision: z.string().min(1).default('main'),
  }),
  /** CloudWatch Logs settings for workload and platform logs. */
  logs: z.strictObject({ /** @default 90 */ retentionDays: retentionDays.default(90) }).prefault({}),
  /** Tags applied to every AWS resource (provider default tags). */
  tags: z
    .record(
      tagKey,
      z
        .string()
        .max(256, { error: 'a tag value has at most 256 characters' })
        .regex(TAG_TEXT, { error: TAG_TEXT_ERROR }),
    )
    .default({}),
  /**
   * The teams sharing the platform: each gets a job namespace, quotas, node pools, IAM roles on its own data and
   * Argo/JupyterHub access by Cognito group (config/teams.ts). A pipeline's `owner` names one of them, so an
   * environment without teams accepts no pipeline.
   * @default []
   */
  teams: z.array(TeamSchema).default([]),
  /** Where Terraform keeps the state of this environment's stacks. */
  state: z.strictObject({
    /** Existing S3 bucket for the Terraform state (created outside this kit, versioned and encrypted). */
    bucket: z
      .string()
      .regex(BUCKET, { error: 'not a valid S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)' }),
    /** Key prefix under which each stack's state object is stored: `<keyPrefix>/<stack>.tfstate`. */
    keyPrefix: z.string().regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, {
      error: 'use a relative S3 key prefix without leading or trailing "/", e.g. "sql-etl-on-eks/dev"',
    }),
    /** Region of the state bucket. @default - the environment's region */
    region: regionField('"us-east-1"').optional(),
  }),
});

/** The AWS documentation account id the shipped environments use; nothing is ever deployed into it. */
export const DOCUMENTATION_ACCOUNT = '111122223333';

/** A repository URL on a reserved example domain (RFC 2606) or of a placeholder organisation. */
export function isPlaceholderRepoUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.toLowerCase();
  if (/(^|\.)example\.(com|org|net)$/.test(host) || host.endsWith('.invalid') || host.endsWith('.example')) {
    return true;
  }
  const owner = parsed.pathname
    .split('/')
    .filter((part) => part !== '')[0]
    ?.toLowerCase();
  return owner !== undefined && ['example-org', 'your-org', 'example', 'my-org'].includes(owner);
}

/**
 * The schema of one environment file under config/environments/.
 *
 * Every field is validated here, once, at load; both synthesizers receive the parsed, defaulted result.
 */
export const EnvironmentSchema = EnvironmentFields.superRefine((env, ctx) => {
  // The node group's sizes must be ordered; infra would otherwise fail deep in the synth (its own check stays for the
  // computed minimum).
  const { minSize, desiredSize, maxSize } = env.eks.systemNodes;
  const order: [string, number | undefined, string, number | undefined][] = [
    ['desiredSize', desiredSize, 'minSize', minSize],
    ['maxSize', maxSize, desiredSize === undefined ? 'minSize' : 'desiredSize', desiredSize ?? minSize],
  ];
  for (const [field, value, below, bound] of order) {
    if (value !== undefined && bound !== undefined && value < bound) {
      ctx.addIssue({
        code: 'custom',
        path: ['eks', 'systemNodes', field],
        message: `must not be below ${below} (${bound}); raise ${field} to at least ${bound}, or leave it out`,
      });
    }
  }
  for (const problem of teamProblems(env.teams)) ctx.addIssue({ code: 'custom', ...problem });
  // The shipped environments use the documentation account (nothing can be deployed there) and a placeholder
  // repository so that `make synth` works anywhere. A real account needs the real repository: Argo CD would
  // otherwise sync nothing, and its project would trust a repository someone else may own.
  if (env.account !== DOCUMENTATION_ACCOUNT && isPlaceholderRepoUrl(env.gitops.repoUrl)) {
    ctx.addIssue({
      code: 'custom',
      path: ['gitops', 'repoUrl'],
      message:
        `'${env.gitops.repoUrl}' is the placeholder of the shipped environments; account ${env.account} is a real ` +
        'one, so set the HTTPS clone URL of your copy of this repository (the one Argo CD syncs), e.g. ' +
        '"https://github.com/<your-org>/sql-etl-on-eks.git"',
    });
  }
});

/** What an environment file writes (optional fields may be left out). */
export type EnvironmentInput = z.input<typeof EnvironmentSchema>;

/** A validated environment with every default resolved. */
export interface EnvironmentConfig extends Omit<z.output<typeof EnvironmentSchema>, 'state'> {
  readonly state: { readonly bucket: string; readonly keyPrefix: string; readonly region: string };
}

/** Helper for environment files: gives editors the input type without changing the value. */
export function defineEnvironment(input: EnvironmentInput): EnvironmentInput {
  return input;
}
