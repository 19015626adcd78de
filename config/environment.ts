import { z } from 'zod';

/** Kubernetes versions EKS offers in standard support that this kit has been checked against. */
export const SUPPORTED_EKS_VERSIONS = ['1.33', '1.34', '1.35'] as const;

/** The default EKS version (see ../shared/upstream/versions.json). */
export const DEFAULT_EKS_VERSION = '1.35';

const REGION =
  /^(us|eu|ap|ca|sa|me|af|il|mx)(-gov)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d$/;
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

const tagKey = z
  .string()
  .min(1)
  .max(128, { error: 'a tag key has at most 128 characters' })
  .refine((k) => !k.toLowerCase().startsWith('aws:'), {
    error: 'tag keys starting with "aws:" are reserved by AWS',
  });

/**
 * The schema of one environment file under config/environments/.
 *
 * Every field is validated here, once, at load; both synthesizers receive the parsed, defaulted result.
 */
export const EnvironmentSchema = z.strictObject({
  /** Environment name; also the file name and part of every physical name. */
  name: z.string().regex(/^[a-z][a-z0-9]{1,7}$/, {
    error: 'use 2–8 lowercase letters or digits, starting with a letter (e.g. "dev", "prod", "stage2")',
  }),
  /** AWS account id the environment deploys into. */
  account: z
    .string()
    .regex(/^\d{12}$/, { error: 'an AWS account id is exactly 12 digits, e.g. "111122223333"' }),
  /** AWS region. */
  region: z.string().regex(REGION, { error: 'use an AWS region code such as "us-east-1" or "eu-west-1"' }),
  /** Naming prefix that keeps several deployments in one account apart. */
  prefix: z.string().regex(/^[a-z][a-z0-9]{1,9}$/, {
    error: 'use 2–10 lowercase letters or digits, starting with a letter (e.g. "sqletl")',
  }),
  network: z.strictObject({
    /** VPC CIDR block: a private range between /16 and /22. */
    cidr: z
      .string()
      .refine((c) => parseCidr(c) !== undefined, {
        error: 'not an IPv4 CIDR; write it as a.b.c.d/n, e.g. "10.0.0.0/16"',
      })
      .refine((c) => (parseCidr(c)?.prefix ?? 0) >= 16 && (parseCidr(c)?.prefix ?? 99) <= 22, {
        error:
          'the VPC needs a prefix length between /16 and /22 (AWS allows /16–/28; smaller leaves no room for pods)',
      })
      .refine(isPrivateCidr, { error: 'use a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)' })
      .refine(
        (c) => {
          const p = parseCidr(c);
          return p !== undefined && p.address % 2 ** (32 - p.prefix) === 0;
        },
        { error: 'host bits are set; use the network address (e.g. "10.0.0.0/16", not "10.0.1.0/16")' },
      ),
    /** Number of availability zones to spread subnets over. */
    azCount: z
      .number({ error: 'azCount must be a number: 2 or 3' })
      .int({ error: 'azCount must be a whole number: 2 or 3' })
      .min(2, { error: 'EKS needs subnets in at least 2 availability zones; use 2 or 3' })
      .max(3, { error: 'use 2 or 3 availability zones' }),
  }),
  eks: z
    .strictObject({
      /** Kubernetes minor version of the EKS control plane. */
      version: z.enum(SUPPORTED_EKS_VERSIONS, {
        error: `use one of the supported EKS versions: ${SUPPORTED_EKS_VERSIONS.join(', ')}`,
      }),
    })
    .default({ version: DEFAULT_EKS_VERSION }),
  /** Tags applied to every AWS resource (provider default tags). */
  tags: z
    .record(tagKey, z.string().max(256, { error: 'a tag value has at most 256 characters' }))
    .default({}),
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
    region: z.string().regex(REGION, { error: 'use an AWS region code such as "us-east-1"' }).optional(),
  }),
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
