import { Environment } from '@marcbachmann/cel-js';
import { formatPath } from './problem';

/**
 * The `x-kubernetes-validations` (CEL) rules of a CRD's structural schema, evaluated as the API server does on
 * create: schema defaults applied first, each rule evaluated with `self` bound to the value at its node when that value
 * is present, integers as CEL ints, and a rule that cannot be evaluated (a missing key, a bad index) a rejection.
 * Transition rules (those that read `oldSelf`) only run on update and are skipped. Evaluated with
 * @marcbachmann/cel-js plus {@link KUBERNETES_CEL_SHIMS} for the Kubernetes extension functions the pinned CRDs use.
 */

/** One rule of `x-kubernetes-validations`. */
interface ValidationRule {
  readonly rule: string;
  readonly message?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
}

/** A structural schema node (the part of OpenAPI v3 the API server keeps). */
interface SchemaNode {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly default?: unknown;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-validations'?: readonly ValidationRule[];
}

/**
 * Kubernetes CEL library functions (k8s.io/apiserver/pkg/cel/library) that the pinned CRDs call and that
 * @marcbachmann/cel-js lacks: the regex library's `find` and `findAll`. Kubernetes compiles the pattern with RE2;
 * JavaScript's engine agrees for the patterns these CRDs use (anchors, classes, groups; no backreferences).
 */
export const KUBERNETES_CEL_SHIMS: readonly {
  readonly signature: string;
  readonly handler: (...args: never[]) => unknown;
}[] = [
  {
    // "abc 123".find('[0-9]+') == "123"; no match is "".
    signature: 'string.find(string): string',
    handler: (self: string, pattern: string): string => new RegExp(pattern, 'u').exec(self)?.[0] ?? '',
  },
  {
    signature: 'string.findAll(string): list<string>',
    handler: (self: string, pattern: string): string[] =>
      [...self.matchAll(new RegExp(pattern, 'gu'))].map((m) => m[0]),
  },
  {
    signature: 'string.findAll(string, int): list<string>',
    handler: (self: string, pattern: string, limit: bigint): string[] => {
      const all = [...self.matchAll(new RegExp(pattern, 'gu'))].map((m) => m[0]);
      return limit < 0n ? all : all.slice(0, Number(limit));
    },
  },
];

/** The CEL environment the rules run in: `self` is dynamic, list and map literals may mix types as in Kubernetes. */
export function kubernetesCelEnvironment(): Environment {
  let env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
  for (const shim of KUBERNETES_CEL_SHIMS) {
    env = env.registerFunction(shim.signature, shim.handler as (...args: unknown[]) => unknown);
  }
  return env;
}

const environment = kubernetesCelEnvironment();
const programs = new Map<string, ReturnType<Environment['parse']> | Error>();

/** Every CEL rule `object` violates under `schema` (a served version's openAPIV3Schema), as `field: message` lines. */
export function celViolations(schema: unknown, object: unknown): string[] {
  const violations: string[] = [];
  const defaulted = applyDefaults(schema as SchemaNode, structuredClone(object));
  visit(schema as SchemaNode, defaulted, [], violations);
  return violations;
}

function visit(node: SchemaNode | undefined, value: unknown, at: (string | number)[], out: string[]): void {
  if (node === undefined || value === undefined || value === null) {
    return;
  }
  if (isMapping(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childSchema =
        node.properties?.[key] ??
        (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
      visit(childSchema, child, [...at, key], out);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => visit(node.items, item, [...at, i], out));
  }
  for (const rule of node['x-kubernetes-validations'] ?? []) {
    if (/\boldSelf\b/.test(rule.rule)) {
      continue;
    }
    const where = formatPath([
      ...at,
      ...(rule.fieldPath === undefined ? [] : [rule.fieldPath.replace(/^\./, '')]),
    ]);
    const verdict = evaluateRule(rule.rule, toCel(node, value));
    if (verdict !== true) {
      const why = typeof verdict === 'string' ? `rule could not be evaluated (${verdict})` : rule.message;
      out.push(`${where || '<root>'}: ${why ?? `failed rule: ${rule.rule}`} (CEL: ${rule.rule})`);
    }
  }
}

/** Undefined when the rule parses and type-checks (functions and overloads exist), else why not. */
export function checkRule(rule: string, env: Environment = environment): string | undefined {
  try {
    const result = env.check(rule) as { valid: boolean; error?: { message?: string; name?: string } };
    return result.valid ? undefined : (result.error?.message ?? result.error?.name ?? 'invalid');
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/** True when the rule holds, false when it does not, or the evaluation error (which the API server rejects on). */
export function evaluateRule(rule: string, self: unknown): boolean | string {
  let program = programs.get(rule);
  if (program === undefined) {
    try {
      program = environment.parse(rule);
    } catch (error) {
      program = error as Error;
    }
    programs.set(rule, program);
  }
  if (program instanceof Error) {
    return `does not compile: ${program.message}`;
  }
  try {
    return program({ self }) === true;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/** The value as CEL sees it: integers of integer (and int-or-string) fields as ints (BigInt), others as they are. */
function toCel(node: SchemaNode | undefined, value: unknown): unknown {
  if (typeof value === 'number') {
    const integer =
      node?.type === 'integer' || node?.['x-kubernetes-int-or-string'] === true || node?.type === undefined;
    return integer && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => toCel(node?.items, item));
  }
  if (isMapping(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        key,
        toCel(
          node?.properties?.[key] ??
            (typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined),
          child,
        ),
      ]),
    );
  }
  return value;
}

/** Structural defaulting: a missing property whose schema has a `default` gets it, recursively, before validation. */
export function applyDefaults(node: SchemaNode | undefined, value: unknown): unknown {
  if (node === undefined) {
    return value;
  }
  if (isMapping(value)) {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (value[key] === undefined && child.default !== undefined) {
        value[key] = structuredClone(child.default);
      }
    }
    for (const [key, child] of Object.entries(value)) {
      const childSchema =
        node.properties?.[key] ??
        (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
      value[key] = applyDefaults(childSchema, child);
    }
  } else if (Array.isArray(value)) {
    return value.map((item) => applyDefaults(node.items, item));
  }
  return value;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
