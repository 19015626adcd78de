import type { Problem } from '../problem';
import { formatPath } from '../problem';
import { helmServiceAccounts, valuesPath } from './helm';
import type { DistEnvironment, TerraformStack } from '../dist';
import type { ReferenceCheck } from './model';
import {
  asArray,
  asObject,
  isExpression,
  listing,
  namespaceOf,
  objectName,
  resolveReference,
  resourcesOfType,
} from './model';
import type { TerraformResource } from '../dist';

/** The annotation IRSA reads. */
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/;

/** A trust policy statement, normalised from an `aws_iam_policy_document` data source or a JSON policy. */
interface TrustStatement {
  readonly effect: string;
  readonly actions: readonly string[];
  readonly federated: readonly string[];
  readonly conditions: readonly { test: string; variable: string; values: readonly string[] }[];
}

/** An IRSA annotation: the account it is on and the role it names. */
interface Annotated {
  readonly namespace: string;
  readonly name: string;
  readonly arn: string;
  readonly file: string;
  readonly object: string;
  readonly where: string;
}

function annotated(environment: DistEnvironment): Annotated[] {
  const out: Annotated[] = [];
  for (const object of environment.objects) {
    const metadata = asObject(object.manifest.metadata);
    const arn = asObject(metadata?.annotations)?.[ROLE_ARN_ANNOTATION];
    if (
      object.manifest.kind !== 'ServiceAccount' ||
      typeof arn !== 'string' ||
      typeof metadata?.name !== 'string'
    ) {
      continue;
    }
    out.push({
      namespace: namespaceOf(object),
      name: metadata.name,
      arn,
      file: object.file,
      object: objectName(object),
      where: formatPath(['metadata', 'annotations', ROLE_ARN_ANNOTATION]),
    });
  }
  for (const release of environment.helmReleases) {
    for (const account of helmServiceAccounts(release)) {
      if (account.roleArn === undefined) continue;
      out.push({
        namespace: account.namespace,
        name: account.name,
        arn: account.roleArn,
        file: release.resource.file,
        object: release.resource.address,
        where: valuesPath([...account.path.slice(0, -1), 'annotations', ROLE_ARN_ANNOTATION]),
      });
    }
  }
  return out;
}

function strings(value: unknown): string[] {
  return (Array.isArray(value) ? (value as unknown[]) : [value]).filter(
    (v): v is string => typeof v === 'string',
  );
}

/** The statements of a role's `assume_role_policy`: a policy document data source of its stack, or literal JSON. */
function trustStatements(role: TerraformResource): TrustStatement[] | undefined {
  const policy = role.values.assume_role_policy;
  const document = role.lookup.reference(policy);
  if (document?.type === 'aws_iam_policy_document' && document.mode === 'data') {
    return asArray(document.values.statement).map((value) => {
      const statement = asObject(value) ?? {};
      return {
        effect: typeof statement.effect === 'string' ? statement.effect : 'Allow',
        actions: strings(statement.actions),
        federated: asArray(statement.principals)
          .map((p) => asObject(p) ?? {})
          .filter((p) => p.type === 'Federated')
          .flatMap((p) => strings(p.identifiers)),
        conditions: asArray(statement.condition).map((c) => {
          const condition = asObject(c) ?? {};
          return {
            test: String(condition.test),
            variable: String(condition.variable),
            values: strings(condition.values),
          };
        }),
      };
    });
  }
  if (typeof policy !== 'string' || !policy.trim().startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(policy) as unknown;
  } catch {
    return undefined;
  }
  const list = asObject(json)?.Statement;
  return (Array.isArray(list) ? (list as unknown[]) : [list]).map((value) => {
    const statement = asObject(value) ?? {};
    const condition = asObject(statement.Condition) ?? {};
    return {
      effect: typeof statement.Effect === 'string' ? statement.Effect : 'Deny',
      actions: strings(statement.Action),
      federated: strings(asObject(statement.Principal)?.Federated),
      conditions: Object.entries(condition).flatMap(([test, entries]) =>
        Object.entries(asObject(entries) ?? {}).map(([variable, values]) => ({
          test,
          variable,
          values: strings(values),
        })),
      ),
    };
  });
}

/** Why the role does not trust exactly `subject` through the cluster's OIDC provider; undefined when it does. */
function trustFailure(
  environment: DistEnvironment,
  stack: TerraformStack,
  role: TerraformResource,
  subject: string,
): string | undefined {
  const statements = trustStatements(role);
  if (statements === undefined) {
    return `the trust policy of ${role.address} (${role.file}) is neither a policy document of its stack nor JSON`;
  }
  const webIdentity = statements.filter(
    (s) => s.effect === 'Allow' && s.actions.includes('sts:AssumeRoleWithWebIdentity'),
  );
  if (webIdentity.length === 0) {
    return `${role.address} (${role.file}) does not allow sts:AssumeRoleWithWebIdentity: it is not an IRSA role`;
  }
  const viaProvider = webIdentity.filter((s) =>
    s.federated.some((id) => {
      const resolved = resolveReference(environment, stack, id);
      return (
        resolved?.reference.type === 'aws_iam_openid_connect_provider' &&
        resolved.reference.attribute === 'arn'
      );
    }),
  );
  if (viaProvider.length === 0) {
    return (
      `${role.address} (${role.file}) trusts Federated ${listing(webIdentity.flatMap((s) => s.federated))}, not the ` +
      'ARN of an aws_iam_openid_connect_provider of this environment (directly or through terraform_remote_state)'
    );
  }
  const subs = viaProvider.flatMap((s) => s.conditions.filter((c) => c.variable.endsWith(':sub')));
  if (subs.some((c) => c.test === 'StringEquals' && c.values.length === 1 && c.values[0] === subject)) {
    return undefined;
  }
  const found = subs.map((c) => `${c.test} [${c.values.join(', ')}]`);
  return (
    `${role.address} (${role.file}) must trust exactly "${subject}" (StringEquals on <issuer>:sub); it trusts ` +
    (found.length === 0 ? 'any subject of the provider (no :sub condition)' : found.join('; '))
  );
}

/**
 * Every IRSA annotation (`eks.amazonaws.com/role-arn` on a ServiceAccount manifest or a Helm-created account) names a
 * role an `aws_iam_role` of the same environment's stacks defines (by name, in an account the stack may deploy to)
 * whose trust policy lets exactly that `system:serviceaccount:<namespace>:<name>` assume it with web identity through
 * the cluster's `aws_iam_openid_connect_provider` (referenced in the stack or through a remote state output).
 */
export const irsaRolesCheck: ReferenceCheck = {
  id: 'irsa-roles',
  title:
    'IRSA role annotations name a Terraform role trusting exactly that service account via the OIDC provider',
  run(input) {
    const problems: Problem[] = [];
    let checked = 0;
    for (const environment of input.environments) {
      const roles = resourcesOfType(environment, 'aws_iam_role');
      for (const use of annotated(environment)) {
        checked += 1;
        const report = (message: string): void => {
          problems.push({ file: use.file, object: use.object, message: `${use.where}: ${message}` });
        };
        if (isExpression(use.arn)) continue;
        const match = ROLE_ARN.exec(use.arn);
        if (match === null) {
          report(`"${use.arn}" is not an IAM role ARN`);
          continue;
        }
        const [, account, roleName] = match;
        const role = roles.find((r) => r.values.name === roleName);
        if (role === undefined) {
          const names = roles.map((r) => r.values.name).filter((n): n is string => typeof n === 'string');
          report(
            `no aws_iam_role named "${roleName}" in the ${environment.env}-* stacks; roles: ${listing(names)}`,
          );
          continue;
        }
        const stack = environment.stacks.find((s) => s.stack === role.stack);
        if (stack === undefined) continue;
        if (stack.lookup.accountIds.length > 0 && !stack.lookup.accountIds.includes(account)) {
          report(
            `account ${account} is not the account ${role.stack} deploys ${role.address} to ` +
              `(${stack.lookup.accountIds.join(', ')})`,
          );
          continue;
        }
        const failure = trustFailure(
          environment,
          stack,
          role,
          `system:serviceaccount:${use.namespace}:${use.name}`,
        );
        if (failure !== undefined) report(failure);
      }
    }
    return { problems, checked };
  },
};
