import type { Statement } from '../lib/iam-policy';
import { statementName } from '../lib/iam-policy';
import { trustPolicy } from '../lib/iam-rules';
import type { TerraformRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

function failures(s: Statement): string[] {
  const equals = (suffix: string): string[] =>
    s.conditions
      .filter((c) => c.test === 'StringEquals' && c.variable.endsWith(suffix))
      .flatMap((c) => [...c.values]);
  const out: string[] = [];
  const sub = equals(':sub');
  if (sub.length === 0) out.push('no StringEquals condition on <issuer>:sub');
  else if (sub.some((v) => !/^system:serviceaccount:[^:*?]+:[^:*?]+$/.test(v))) {
    out.push(`sub ${sub.join(', ')} is not one system:serviceaccount:<namespace>:<name>`);
  }
  const aud = equals(':aud');
  if (aud.length === 0 || aud.some((v) => v !== 'sts.amazonaws.com')) {
    out.push('no StringEquals condition <issuer>:aud = sts.amazonaws.com');
  }
  return out;
}

/** IAM-004: an IRSA role trusts exactly one service account of one cluster. */
export const IAM_004: TerraformRule = {
  id: 'IAM-004',
  info: 'IRSA trust (AssumeRoleWithWebIdentity) requires StringEquals on both the :sub (one service account) and :aud (sts.amazonaws.com) claims',
  rationale:
    'Without a StringEquals on sub, any service account of the cluster (or, with a wildcard, several) can assume ' +
    'the role; without aud, tokens minted for another audience are accepted.',
  appliesTo: 'terraform',
  evaluate(resource) {
    const trust = trustPolicy(resource);
    if (trust === undefined) return notApplicable();
    if (trust.error !== undefined) return verdict([trust.error]);
    const webIdentity = trust.statements
      .map((s, i) => ({ s, i }))
      .filter(
        ({ s }) =>
          s.effect === 'Allow' &&
          s.principals.some((p) => p.type === 'Federated') &&
          s.actions.includes('sts:AssumeRoleWithWebIdentity'),
      );
    if (webIdentity.length === 0) return notApplicable('not a web identity role');
    return verdict(webIdentity.flatMap(({ s, i }) => failures(s).map((f) => `${statementName(s, i)}: ${f}`)));
  },
};
