import { blocks, record, show, strings } from './values';
import type { StackLookup, TerraformResource } from '../../dist';

/** A principal block: type `AWS`, `Service`, `Federated`, `CanonicalUser` or `*`, and its identifiers. */
export interface Principal {
  readonly type: string;
  readonly identifiers: readonly string[];
}

/** A condition: operator (`StringEquals`), key (`aws:SourceAccount`) and values. */
export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

/** One statement, normalized from either an `aws_iam_policy_document` data source or a JSON policy. */
export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly Principal[];
  readonly notPrincipals: readonly Principal[];
  readonly conditions: readonly Condition[];
}

/** A resolved policy, or why it could not be read. */
export type PolicyLookup =
  | { readonly statements: readonly Statement[]; readonly error?: undefined }
  | { readonly statements?: undefined; readonly error: string };

/** What a policy attribute governs: who may assume a role, what an identity may do, or who may use a resource. */
export type PolicyKind = 'trust' | 'identity' | 'resource';

/** A policy-valued attribute of a resource. */
export interface PolicyAttribute {
  readonly attribute: string;
  readonly kind: PolicyKind;
  readonly value: unknown;
}

/** Where each resource type keeps its policies. */
const POLICY_ATTRIBUTES: Readonly<Record<string, readonly [string, PolicyKind][]>> = {
  aws_iam_role: [['assume_role_policy', 'trust']],
  aws_iam_role_policy: [['policy', 'identity']],
  aws_iam_policy: [['policy', 'identity']],
  aws_iam_user_policy: [['policy', 'identity']],
  aws_iam_group_policy: [['policy', 'identity']],
  aws_s3_bucket_policy: [['policy', 'resource']],
  aws_sqs_queue_policy: [['policy', 'resource']],
  aws_sns_topic_policy: [['policy', 'resource']],
  aws_kms_key: [['policy', 'resource']],
  aws_kms_key_policy: [['policy', 'resource']],
  aws_ecr_repository_policy: [['policy', 'resource']],
  aws_secretsmanager_secret_policy: [['policy', 'resource']],
  aws_cloudwatch_log_resource_policy: [['policy_document', 'resource']],
};

/** The policies a resource carries (inline role policies included), in a stable order. */
export function policiesOf(resource: TerraformResource): PolicyAttribute[] {
  const out: PolicyAttribute[] = [];
  for (const [attribute, kind] of POLICY_ATTRIBUTES[resource.type] ?? []) {
    const value = resource.values[attribute];
    if (value !== undefined) out.push({ attribute, kind, value });
  }
  if (resource.type === 'aws_iam_role') {
    blocks(resource.values.inline_policy).forEach((inline, i) => {
      if (inline.policy !== undefined) {
        out.push({ attribute: `inline_policy[${i}].policy`, kind: 'identity', value: inline.policy });
      }
    });
  }
  return out;
}

/**
 * Reads a policy value: a reference to an `aws_iam_policy_document` data source of the same stack
 * (`${data.aws_iam_policy_document.x.json}`, following its source and override documents), or a literal JSON policy.
 * Anything else (a Terraform expression, a document in another stack) cannot be checked offline and is an error.
 */
export function resolvePolicy(value: unknown, lookup: StackLookup, depth = 0): PolicyLookup {
  if (depth > 8) {
    return { error: 'policy documents nest too deeply' };
  }
  if (typeof value !== 'string') {
    return { error: 'the policy is not a string' };
  }
  const reference = lookup.reference(value);
  if (reference !== undefined) {
    if (
      reference.mode === 'data' &&
      reference.type === 'aws_iam_policy_document' &&
      reference.attribute === 'json'
    ) {
      return fromDocumentDataSource(reference.values, lookup, depth);
    }
    return { error: `${value} is not an aws_iam_policy_document of this stack` };
  }
  if (/^\$\{data\.[\w.-]+\}$/.test(value)) {
    return { error: `${value} is not an aws_iam_policy_document of this stack` };
  }
  if (value.includes('${')) {
    return {
      error: `${value.length > 80 ? `${value.slice(0, 77)}...` : value} cannot be read offline; use an aws_iam_policy_document data source of this stack`,
    };
  }
  try {
    return { statements: fromJson(JSON.parse(value) as unknown) };
  } catch (error) {
    return { error: `the policy is not valid JSON: ${(error as Error).message}` };
  }
}

/** Resolves the policy of an attribute and prefixes errors with the attribute. */
export function resolveAttribute(resource: TerraformResource, policy: PolicyAttribute): PolicyLookup {
  const resolved = resolvePolicy(policy.value, resource.lookup);
  return resolved.error === undefined ? resolved : { error: `${policy.attribute}: ${resolved.error}` };
}

function principalBlocks(value: unknown): Principal[] {
  return blocks(value).map((p) => ({ type: show(p.type ?? ''), identifiers: strings(p.identifiers) }));
}

function fromDocumentDataSource(
  values: Readonly<Record<string, unknown>>,
  lookup: StackLookup,
  depth: number,
): PolicyLookup {
  const statements: Statement[] = [];
  for (const source of strings(values.source_policy_documents)) {
    const resolved = resolvePolicy(source, lookup, depth + 1);
    if (resolved.error !== undefined) return { error: `source_policy_documents: ${resolved.error}` };
    statements.push(...resolved.statements);
  }
  for (const s of blocks(values.statement)) {
    const statement: Statement = {
      ...(typeof s.sid === 'string' ? { sid: s.sid } : {}),
      effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
      actions: strings(s.actions),
      notActions: strings(s.not_actions),
      resources: strings(s.resources),
      notResources: strings(s.not_resources),
      principals: principalBlocks(s.principals),
      notPrincipals: principalBlocks(s.not_principals),
      conditions: blocks(s.condition).map((c) => ({
        test: show(c.test ?? ''),
        variable: show(c.variable ?? ''),
        values: strings(c.values),
      })),
    };
    replaceOrAdd(statements, statement);
  }
  for (const override of strings(values.override_policy_documents)) {
    const resolved = resolvePolicy(override, lookup, depth + 1);
    if (resolved.error !== undefined) return { error: `override_policy_documents: ${resolved.error}` };
    resolved.statements.forEach((s) => replaceOrAdd(statements, s));
  }
  return { statements };
}

/** A statement with the sid of an earlier one replaces it, as the data source does. */
function replaceOrAdd(statements: Statement[], statement: Statement): void {
  const index = statement.sid === undefined ? -1 : statements.findIndex((s) => s.sid === statement.sid);
  if (index < 0) statements.push(statement);
  else statements[index] = statement;
}

function jsonPrincipals(value: unknown): Principal[] {
  if (value === undefined) return [];
  if (value === '*') return [{ type: '*', identifiers: ['*'] }];
  return Object.entries(record(value)).map(([type, identifiers]) => ({
    type,
    identifiers: strings(identifiers),
  }));
}

function fromJson(json: unknown): Statement[] {
  const statement = record(json).Statement;
  const list = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  return list.map((raw) => {
    const s = record(raw);
    return {
      ...(typeof s.Sid === 'string' ? { sid: s.Sid } : {}),
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: strings(s.Action),
      notActions: strings(s.NotAction),
      resources: strings(s.Resource),
      notResources: strings(s.NotResource),
      principals: jsonPrincipals(s.Principal),
      notPrincipals: jsonPrincipals(s.NotPrincipal),
      conditions: Object.entries(record(s.Condition)).flatMap(([test, byKey]) =>
        Object.entries(record(byKey)).map(([variable, values]) => ({
          test,
          variable,
          values: strings(values),
        })),
      ),
    };
  });
}

/** A statement's name for messages: its sid, else its position. */
export function statementName(statement: Statement, index: number): string {
  return statement.sid === undefined ? `statement ${index + 1}` : `statement ${statement.sid}`;
}

/** The condition values of a key (case-insensitive key match) under one of the operators. */
export function conditionValues(statement: Statement, tests: readonly string[], variable: string): string[] {
  return statement.conditions
    .filter((c) => tests.includes(c.test) && c.variable.toLowerCase() === variable.toLowerCase())
    .flatMap((c) => [...c.values]);
}

/** True when a principal list grants everyone (`*` type, or `AWS: *`). */
export function grantsEveryone(principals: readonly Principal[]): boolean {
  return principals.some((p) => p.type === '*' || (p.type === 'AWS' && p.identifiers.includes('*')));
}

/** An account root principal (`arn:aws:iam::123456789012:root` or a bare account id), with its account. */
export function accountRoot(identifier: string): string | undefined {
  const arn = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(identifier);
  if (arn !== null) return arn[1];
  return /^\d{12}$/.test(identifier) ? identifier : undefined;
}
