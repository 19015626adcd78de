import { referencesTemplate, workflowSpecOf } from '../lib/argo';
import { record, show } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

const KINDS = new Set(['WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow']);

/** ARGO-001: finished workflows are deleted after a while. */
export const ARGO_001: KubernetesRule = {
  id: 'ARGO-001',
  info: 'WorkflowTemplates and CronWorkflows set a ttlStrategy',
  rationale:
    'Without a TTL every finished Workflow object stays in etcd forever (a scheduled pipeline adds one per run), ' +
    'slowing the API server and the Argo UI; the archive keeps the history.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const found = workflowSpecOf(object.manifest);
    if (found === undefined || !KINDS.has(show(object.manifest.kind))) return notApplicable();
    if (referencesTemplate(found.spec))
      return notApplicable('inherits ttlStrategy from its WorkflowTemplate');
    const ttl = record(found.spec.ttlStrategy);
    const set = ['secondsAfterCompletion', 'secondsAfterSuccess', 'secondsAfterFailure'].some(
      (k) => ttl[k] !== undefined,
    );
    return verdict(set ? [] : [`${found.at}.ttlStrategy is not set`]);
  },
};
