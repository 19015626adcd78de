import { referencesTemplate, workflowSpecOf } from '../lib/argo';
import { record, show } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

const KINDS = new Set(['WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow']);

/** ARGO-002: completed workflow pods are garbage-collected. */
export const ARGO_002: KubernetesRule = {
  id: 'ARGO-002',
  info: 'WorkflowTemplates and CronWorkflows set podGC with a strategy',
  rationale:
    'Completed pods otherwise stay until the Workflow is deleted, holding IP addresses and keeping Karpenter from ' +
    'consolidating nodes; logs are archived to S3 first.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const found = workflowSpecOf(object.manifest);
    if (found === undefined || !KINDS.has(show(object.manifest.kind))) return notApplicable();
    if (referencesTemplate(found.spec)) return notApplicable('inherits podGC from its WorkflowTemplate');
    const strategy = record(found.spec.podGC).strategy;
    return verdict(
      typeof strategy === 'string' && strategy !== '' ? [] : [`${found.at}.podGC.strategy is not set`],
    );
  },
};
