/**
 * Apply order of the stacks of one environment: every stack reads (through `terraform_remote_state`) only stacks that
 * exist, without a cycle, and every `data` lookup finds something that exists before the stack is applied: a value
 * computed locally, an object AWS owns, or a resource a stack applied earlier creates. This is the defect class of
 * the edge stack that looked up an ALB only a later step (the load balancer controller) would create.
 */
import * as path from 'node:path';
import type { Problem } from '../problem';
import type { DistEnvironment, TerraformStack } from '../dist';
import type { ReferenceCheck } from './model';
import { asObject, compare, isExpression, listing } from './model';

/** Data sources that compute their result locally or from the caller, never from the project's own objects. */
export const LOCAL_DATA_SOURCES: ReadonlySet<string> = new Set([
  'aws_iam_policy_document',
  'aws_caller_identity',
  'aws_partition',
  'aws_region',
  // Generates a value (Secrets Manager GetRandomPassword); looks nothing up.
  'aws_secretsmanager_random_password',
  // hashicorp/archive: zips files of the synthesized folder.
  'archive_file',
]);

/** Lookups of objects AWS owns and every account has; `name` must match when given. */
export const AWS_OWNED_LOOKUPS: Readonly<
  Record<string, (args: Readonly<Record<string, unknown>>) => boolean>
> = {
  aws_availability_zones: () => true,
  // AWS-managed prefix lists are named com.amazonaws.<…>; a customer list would be the project's own object.
  aws_ec2_managed_prefix_list: (args) =>
    typeof args.name === 'string' && args.name.startsWith('com.amazonaws.'),
};

/** The stacks `stack` reads through remote state, by name (unknown keys as given, prefixed `?`). */
export function remoteStateReads(stack: TerraformStack, known: ReadonlySet<string>): string[] {
  return Object.values(stack.data.terraform_remote_state ?? {}).map((block) => {
    const key = asObject(block.config)?.key;
    const name = typeof key === 'string' ? path.posix.basename(key).replace(/\.tfstate$/, '') : String(key);
    return known.has(name) ? name : `?${name}`;
  });
}

/** Stacks `name` reads, directly or transitively. */
function upstreamOf(graph: ReadonlyMap<string, readonly string[]>, name: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(graph.get(name) ?? [])];
  while (todo.length > 0) {
    const next = todo.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(graph.get(next) ?? []));
  }
  return seen;
}

/** Whether a managed resource's arguments satisfy a lookup's (scalars equal, `tags` a subset). */
function matches(
  lookup: Readonly<Record<string, unknown>>,
  resource: Readonly<Record<string, unknown>>,
): boolean {
  return Object.entries(lookup).every(([key, want]) => {
    if (key === 'provider' || key === 'depends_on' || key === '//') return true;
    if (key === 'tags') {
      const have = asObject(resource.tags_all) ?? asObject(resource.tags) ?? {};
      return Object.entries(asObject(want) ?? {}).every(([k, v]) => have[k] === v);
    }
    if (typeof want === 'string' && isExpression(want)) return true;
    return JSON.stringify(resource[key]) === JSON.stringify(want);
  });
}

function checkEnvironment(environment: DistEnvironment): { problems: Problem[]; checked: number } {
  const problems: Problem[] = [];
  let checked = 0;
  const names = new Set(environment.stacks.map((s) => s.stack));
  const graph = new Map<string, string[]>();
  for (const stack of environment.stacks) {
    const reads = remoteStateReads(stack, names);
    checked += reads.length;
    for (const read of reads.filter((r) => r.startsWith('?'))) {
      problems.push({
        file: stack.file,
        object: 'data.terraform_remote_state',
        message:
          `${stack.stack} reads the state of '${read.slice(1)}', which no stack of ${environment.env} writes ` +
          `(stacks: ${listing(names)}); read a stack that exists`,
      });
    }
    graph.set(
      stack.stack,
      reads.filter((r) => !r.startsWith('?')),
    );
  }
  for (const stack of environment.stacks) {
    if (upstreamOf(graph, stack.stack).has(stack.stack)) {
      problems.push({
        file: stack.file,
        object: 'data.terraform_remote_state',
        message:
          `${stack.stack} reads, through remote state, a stack that reads ${stack.stack} back: no order applies ` +
          `them both; move the shared value into the earlier stack`,
      });
    }
  }
  for (const stack of [...environment.stacks].sort((a, b) => compare(a.stack, b.stack))) {
    const earlier = upstreamOf(graph, stack.stack);
    for (const [type, blocks] of Object.entries(stack.data)) {
      if (type === 'terraform_remote_state' || LOCAL_DATA_SOURCES.has(type)) continue;
      for (const [name, args] of Object.entries(blocks)) {
        checked += 1;
        const owned = AWS_OWNED_LOOKUPS[type];
        if (owned?.(args) === true) continue;
        const creators = environment.stacks.filter((s) =>
          s.resources.some((r) => r.type === type && matches(args, r.values)),
        );
        if (creators.some((s) => earlier.has(s.stack))) continue;
        const where =
          creators.length === 0
            ? `no stack of ${environment.env} creates`
            : `only ${listing(creators.map((s) => s.stack))} creates, which ${stack.stack} does not read ` +
              `(so it may be applied later)`;
        problems.push({
          file: stack.file,
          object: `data.${type}.${name}`,
          message:
            `${stack.stack} looks up a ${type} that ${where}; create it in Terraform in a stack applied earlier ` +
            `and pass it by a cross-stack reference, so no apply waits on a later step`,
        });
      }
    }
  }
  return { problems, checked };
}

/** Remote states form an order, and every `data` lookup resolves to something applied before. */
export const stackOrderCheck: ReferenceCheck = {
  id: 'stack-order',
  title: 'Stacks read only earlier stacks, and every data lookup finds what an earlier stack creates',
  run(input) {
    const results = input.environments.map(checkEnvironment);
    return {
      problems: results.flatMap((r) => r.problems),
      checked: results.reduce((n, r) => n + r.checked, 0),
    };
  },
};
