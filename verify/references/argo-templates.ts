import { resolveArgoReferences } from '../argo-references';
import type { Problem } from '../problem';
import type { ReferenceCheck } from './model';
import { objectLabel } from '../dist';

/**
 * Argo references resolve within each environment: `templateRef` names a WorkflowTemplate (ClusterWorkflowTemplate
 * with `clusterScope`) and one of its templates, `workflowTemplateRef` names a WorkflowTemplate, and entrypoint,
 * onExit, task templates and DAG dependencies exist. The logic lives in verify/argo-references.ts, which the schema
 * pass (verify/k8s.ts) runs too; this check adds the count, and reports the same problems (the run de-duplicates).
 */
export const argoTemplatesCheck: ReferenceCheck = {
  id: 'argo-templates',
  title:
    'Argo templateRef and workflowTemplateRef resolve to a WorkflowTemplate and template of the environment',
  run(input) {
    const problems: Problem[] = [];
    let checked = 0;
    for (const environment of input.environments) {
      const loaded = environment.objects
        .filter((o) => o.embeddedIn === undefined)
        .map((o) => ({ file: o.file, env: o.env, object: o.manifest, label: objectLabel(o.manifest) }));
      const result = resolveArgoReferences(loaded);
      problems.push(...result.problems);
      checked += result.checked;
    }
    return { problems, checked };
  },
};
