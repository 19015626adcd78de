import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TempRepo } from '../test-support/temp-repo';
import dev from './environments/dev';
import { parseEnvironment, type EnvironmentInput } from './load';

/** A broken environment file: what is wrong, the field the error must name, and words the fix must contain. */
interface BadConfig {
  readonly title: string;
  readonly input: unknown;
  readonly field: string;
  readonly says: RegExp;
}

const FILE = 'config/environments/dev.ts';
const base: EnvironmentInput = dev;

const CASES: BadConfig[] = [
  {
    title: 'a short account id',
    input: { ...base, account: '12345' },
    field: 'account',
    says: /exactly 12 digits/,
  },
  {
    title: 'an unknown region',
    input: { ...base, region: 'us-east' },
    field: 'region',
    says: /AWS region code/,
  },
  {
    title: 'a CIDR with a prefix over 32',
    input: { ...base, network: { ...base.network, cidr: '10.0.0.0/33' } },
    field: 'network.cidr',
    says: /prefix length \/33 is above \/32/,
  },
  {
    title: 'a public CIDR',
    input: { ...base, network: { ...base.network, cidr: '8.8.0.0/16' } },
    field: 'network.cidr',
    says: /private range/,
  },
  {
    title: 'a CIDR with host bits set',
    input: { ...base, network: { ...base.network, cidr: '10.0.1.0/16' } },
    field: 'network.cidr',
    says: /host bits are set/,
  },
  {
    title: 'a single availability zone',
    input: { ...base, network: { ...base.network, azCount: 1 } },
    field: 'network.azCount',
    says: /at least 2 availability zones/,
  },
  {
    title: 'an unsupported EKS version',
    input: { ...base, eks: { version: '1.27' } },
    field: 'eks.version',
    says: /1\.35/,
  },
  {
    title: 'an EKS version in extended support (1.34)',
    input: { ...base, eks: { version: '1.34' } },
    field: 'eks.version',
    says: /EKS standard support: 1\.35, 1\.36 .*extended support/,
  },
  {
    title: 'an EKS version in extended support (1.33)',
    input: { ...base, eks: { version: '1.33' } },
    field: 'eks.version',
    says: /EKS standard support/,
  },
  {
    title: 'a prefix with capitals',
    input: { ...base, prefix: 'SQL_ETL' },
    field: 'prefix',
    says: /lowercase/,
  },
  {
    title: 'a reserved tag key',
    input: { ...base, tags: { 'aws:owner': 'me' } },
    field: 'tags.aws:owner',
    says: /reserved by AWS/,
  },
  {
    title: 'an invalid state bucket name',
    input: { ...base, state: { ...base.state, bucket: 'Bad_Bucket' } },
    field: 'state.bucket',
    says: /S3 bucket name/,
  },
  {
    title: 'a state key prefix with a leading slash',
    input: { ...base, state: { ...base.state, keyPrefix: '/tfstate' } },
    field: 'state.keyPrefix',
    says: /without leading or trailing/,
  },
  {
    title: 'a misspelt field',
    input: { ...base, netwrok: base.network },
    field: 'netwrok',
    says: /unknown field/,
  },
  {
    title: 'no Argo CD repository',
    input: { ...base, gitops: { revision: 'main' } },
    field: 'gitops.repoUrl',
    says: /HTTPS clone URL/,
  },
  {
    title: 'the placeholder Argo CD repository with a real account',
    input: { ...base, account: '210987654321' },
    field: 'gitops.repoUrl',
    says: /placeholder.*set the HTTPS clone URL of your copy/,
  },
  { title: 'a missing network', input: { ...base, network: undefined }, field: 'network', says: /missing/ },
  {
    title: 'a name that differs from the file',
    input: { ...base, name: 'qa' },
    field: 'name',
    says: /file name/,
  },
];

describe.each(CASES)('config error: $title', ({ input, field, says }) => {
  test('names the file, the field and the fix', () => {
    const run = () => parseEnvironment({ file: FILE, input });
    expect(run).toThrow(new RegExp(`${FILE.replace(/\./g, '\\.')}: field ${field.replace(/\./g, '\\.')}: `));
    expect(run).toThrow(says);
  });
});

describe('CIDR mistakes', () => {
  // A malformed CIDR used to fail every check of the field at once (syntax, size, private range, host bits).
  test.each([
    ['10.0.0.0/33', /prefix length \/33 is above \/32/],
    ['10.0.0.256/16', /octet 256 is above 255/],
    ['10.0.0.0', /not an IPv4 CIDR; write it as a\.b\.c\.d\/n/],
    ['10.20.1.0/16', /host bits are set; use the network address "10\.20\.0\.0\/16"/],
    ['8.8.0.0/16', /use a private range/],
  ])('%s gives one message, and the one that applies', (cidr, says) => {
    const run = () =>
      parseEnvironment({ file: FILE, input: { ...base, network: { ...base.network, cidr } } });
    expect(run).toThrow(says);
    try {
      run();
    } catch (error) {
      expect((error as Error).message.split('\n')).toHaveLength(1);
    }
  });

  test('an API endpoint CIDR with host bits set names the network address to use', () => {
    const eks = { ...base.eks, publicAccessCidrs: ['198.51.100.7/24'] };
    expect(() => parseEnvironment({ file: FILE, input: { ...base, eks } })).toThrow(
      /field eks\.publicAccessCidrs\.0: "198\.51\.100\.7\/24" is not allowed: host bits are set; use the network address "198\.51\.100\.0\/24"/,
    );
  });
});

describe('make synth with a bad environment file', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = TempRepo.create();
  });
  afterAll(() => repo.dispose());

  // Every case's message is proven in process above by parseEnvironment, which make synth's check runs. End to end
  // they all take one path (the check imports the file, parseEnvironment throws, make prints the line and stops
  // before dist/), so one case proves that path for all, as verify/corpus.test.ts does once per failure path.
  test.each(CASES.slice(0, 1))('fails on $title and leaves dist/ untouched', ({ input, field }) => {
    const before = repo.digest('dist');
    expect(before).not.toBe('');
    repo.write(FILE, `export default ${JSON.stringify(input, null, 2)};\n`);
    try {
      const { status, output } = repo.make('synth');
      expect(status).not.toBe(0);
      expect(output).toContain(`${FILE}: field ${field}: `);
      expect(repo.digest('dist')).toBe(before);
    } finally {
      repo.restore(FILE);
    }
  });

  test('an environment file that throws while it runs is named with line and column, without a stack trace', () => {
    const before = repo.digest('dist');
    const real = fs.readFileSync(repo.path(FILE), 'utf8');
    // Line 2 reads a property of undefined: valid TypeScript that fails only when the module runs.
    repo.write(
      FILE,
      `const shared = undefined as unknown as { cidr: string };\nconst cidr = shared.cidr;\n${real.replace("cidr: '10.20.0.0/16'", 'cidr')}`,
    );
    try {
      const { status, output } = repo.make('synth');
      expect(status).not.toBe(0);
      expect(output).toMatch(
        new RegExp(
          `${FILE.replace(/[./]/g, '\\$&')}: line 2, column \\d+: TypeError: Cannot read properties of undefined \\(reading 'cidr'\\)`,
        ),
      );
      expect(output).not.toMatch(/^\s+at /m);
      expect(repo.digest('dist')).toBe(before);
    } finally {
      repo.restore(FILE);
    }
  });
});
