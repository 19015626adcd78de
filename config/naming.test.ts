import { describe, expect, test } from 'vitest';
import dev from './environments/dev';
import { parseEnvironment } from './load';
import {
  NAMESPACES,
  WORKLOADS,
  bucketArn,
  bucketName,
  irsaSubject,
  kmsAliasName,
  roleArn,
  roleName,
  stateKey,
} from './naming';
import { stackName } from './dist-layout';

const env = parseEnvironment({ file: 'config/environments/dev.ts', input: dev });

describe('naming', () => {
  test('bucket names carry prefix, environment, purpose, account and region', () => {
    expect(bucketName(env, 'assets')).toBe('sqletl-dev-assets-111122223333-us-east-1');
    expect(bucketArn(env, 'datalake')).toBe('arn:aws:s3:::sqletl-dev-datalake-111122223333-us-east-1');
  });

  test('bucket names stay within 63 characters for the longest allowed inputs', () => {
    const longest = { ...env, prefix: 'abcdefghij', name: 'abcdefgh', region: 'ap-southeast-1' };
    expect(bucketName(longest, 'athena-results').length).toBeLessThanOrEqual(63);
  });

  test('fails when a name would exceed the AWS limit', () => {
    const tooLong = { ...env, region: 'us-gov-northwest-9', prefix: 'abcdefghij', name: 'abcdefgh' };
    expect(() => roleName(tooLong, 'a-very-long-workload-role-name')).toThrow(/AWS allows 64/);
  });

  test('role names include the region because IAM is global to the account', () => {
    expect(roleName(env, 'spark-job-runner')).toBe('sqletl-dev-us-east-1-spark-job-runner');
    expect(roleArn(env, 'spark-job-runner')).toBe(
      'arn:aws:iam::111122223333:role/sqletl-dev-us-east-1-spark-job-runner',
    );
  });

  test('GovCloud regions use the aws-us-gov partition', () => {
    expect(roleArn({ ...env, region: 'us-gov-west-1' }, 'x')).toMatch(/^arn:aws-us-gov:iam::/);
  });

  test('two prefixes in one account and region give different names', () => {
    const other = { ...env, prefix: 'other' };
    expect(bucketName(other, 'assets')).not.toBe(bucketName(env, 'assets'));
    expect(roleName(other, 'x')).not.toBe(roleName(env, 'x'));
    expect(kmsAliasName(other)).not.toBe(kmsAliasName(env));
  });

  test('stack names and state keys carry the environment', () => {
    expect(stackName(env, 'foundation')).toBe('dev-foundation');
    expect(stateKey(env, 'foundation')).toBe('sql-etl-on-eks/dev/dev-foundation.tfstate');
  });

  test('every workload lives in a platform namespace (add-ons in kube-system) and has an IRSA subject', () => {
    const namespaces: string[] = Object.values(NAMESPACES);
    for (const workload of Object.values(WORKLOADS)) {
      expect(workload.createdBy === 'addon' ? ['kube-system'] : namespaces).toContain(workload.namespace);
      expect(irsaSubject(workload)).toBe(
        `system:serviceaccount:${workload.namespace}:${workload.serviceAccount}`,
      );
    }
  });
});
