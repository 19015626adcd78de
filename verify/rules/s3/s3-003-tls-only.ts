import { conditionValues, grantsEveryone, resolvePolicy } from '../lib/iam-policy';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** S3-003: the bucket policy denies every request that does not use TLS, on the bucket and its objects. */
export const S3_003: TerraformRule = {
  id: 'S3-003',
  info: 'Bucket policy denies requests without TLS (aws:SecureTransport false) on the bucket and its objects',
  rationale:
    'S3 accepts plain HTTP unless the bucket policy refuses it; without the deny, a misconfigured client can send ' +
    'data and credentials-signed requests in clear text.',
  appliesTo: 'terraform',
  evaluate(resource) {
    if (resource.type !== 'aws_s3_bucket_policy') return notApplicable();
    const policy = resolvePolicy(resource.values.policy, resource.lookup);
    if (policy.error !== undefined) return verdict([`policy: ${policy.error}`]);
    const denies = policy.statements.filter(
      (s) =>
        s.effect === 'Deny' &&
        grantsEveryone(s.principals) &&
        s.actions.some((a) => a === 's3:*' || a === '*') &&
        conditionValues(s, ['Bool'], 'aws:SecureTransport').includes('false'),
    );
    if (denies.length === 0) {
      return verdict([
        'no statement denies s3:* to every principal when aws:SecureTransport is false; add it for the bucket ARN and ARN/*',
      ]);
    }
    const resources = denies.flatMap((s) => [...s.resources]);
    const failures: string[] = [];
    if (!resources.some((r) => !r.endsWith('/*')))
      failures.push('the TLS deny does not cover the bucket itself');
    if (!resources.some((r) => r.endsWith('/*')))
      failures.push('the TLS deny does not cover the objects (ARN/*)');
    return verdict(failures);
  },
};
