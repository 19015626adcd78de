/**
 * Manifests embedded in Argo `resource` templates hold `{{…}}` expressions that Argo replaces when a workflow runs.
 * Before the API server can judge such a manifest, each expression is replaced by a sample of what Argo would put
 * there (a workflow's parameters take their declared default, else the literal the expression falls back to;
 * `workflow.name` a valid generated name; a timestamp in its format), so each sample has the type and shape of the
 * real value. An expression without a sample is an error, so a new one gets a deliberate sample rather than a guess.
 */

/** Samples of Argo's global variables, shaped like the real values. */
const GLOBALS: Readonly<Record<string, (holder: ArgoHolder) => string>> = {
  'workflow.name': () => 'sample-wf-x7k2p',
  'workflow.namespace': (h) => h.namespace,
  'workflow.uid': () => '0b5c6a2e-6f0d-4a51-9a55-2f3c1d1e7a10',
  'workflow.creationTimestamp.s': () => '1767225600',
  'workflow.creationTimestamp.RFC3339': () => '2026-01-01T00:00:00Z',
  'pod.name': () => 'sample-wf-x7k2p-main-1234567890',
};

// `{{=workflow.parameters.x == '' ? 'default' : workflow.parameters.x}}`: the parameter, or the literal when empty.
const DEFAULTED =
  /^=\s*workflow\.parameters\.([A-Za-z0-9_-]+)\s*==\s*''\s*\?\s*'([^']*)'\s*:\s*workflow\.parameters\.\1\s*$/;
const PARAMETER = /^workflow\.parameters\.([A-Za-z0-9_-]+)$/;
const EXPRESSION = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** What a sample needs to know of the Argo object holding the manifest. */
export interface ArgoHolder {
  /** Where the workflow runs (the holder's namespace). */
  readonly namespace: string;
  /** The workflow parameters and the value a run gets when it passes none (value, else the first enum entry). */
  readonly parameters: ReadonlyMap<string, string>;
}

/** The namespace and workflow parameters of a WorkflowTemplate, Workflow, ClusterWorkflowTemplate or CronWorkflow. */
export function argoHolderOf(object: Readonly<Record<string, unknown>>): ArgoHolder {
  const metadata = (object.metadata ?? {}) as { namespace?: unknown };
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const workflowSpec = (object.kind === 'CronWorkflow' ? (spec.workflowSpec ?? {}) : spec) as {
    arguments?: { parameters?: { name?: unknown; value?: unknown; enum?: unknown }[] };
  };
  const parameters = new Map<string, string>();
  for (const p of workflowSpec.arguments?.parameters ?? []) {
    if (typeof p.name !== 'string') {
      continue;
    }
    const value: unknown = p.value ?? (Array.isArray(p.enum) ? (p.enum as unknown[])[0] : undefined);
    parameters.set(p.name, typeof value === 'string' || typeof value === 'number' ? String(value) : '');
  }
  return { namespace: typeof metadata.namespace === 'string' ? metadata.namespace : 'default', parameters };
}

/** The sample of one expression (the text between `{{` and `}}`); throws naming it when there is none. */
export function sampleExpression(expression: string, holder: ArgoHolder, where: string): string {
  const global = GLOBALS[expression];
  if (global !== undefined) {
    return global(holder);
  }
  const parameter = PARAMETER.exec(expression) ?? DEFAULTED.exec(expression);
  if (parameter !== null) {
    const value = holder.parameters.get(parameter[1]);
    if (value === undefined) {
      throw new Error(
        `${where}: {{${expression}}} names workflow parameter '${parameter[1]}', which is not declared`,
      );
    }
    return value === '' && parameter[2] !== undefined ? parameter[2] : value;
  }
  throw new Error(
    `${where}: no sample for the Argo expression {{${expression}}}; add one to engines/argo-samples.ts`,
  );
}

/**
 * The manifest text with every `{{…}}` replaced by its sample, as Argo does it: on the text, before the manifest is
 * parsed. So a quoted expression stays a string and an unquoted one takes the type YAML reads (`instances: {{…}}`
 * becomes a number), and the API server judges exactly what a run would send.
 */
export function substituteArgoExpressions(manifest: string, holder: ArgoHolder, where: string): string {
  return manifest.replace(EXPRESSION, (_whole, expression: string) =>
    sampleExpression(expression, holder, where),
  );
}
