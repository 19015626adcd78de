import { formatPath } from '../../problem';
import { workflowSpecOf } from '../lib/argo';
import { blocks, record, show } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';
import { notApplicable, verdict } from '../lib/rule';

/** ARGO-004: pod specs are written out, not patched in. */
export const ARGO_004: KubernetesRule = {
  id: 'ARGO-004',
  info: 'Argo workflows and templates use no podSpecPatch',
  rationale:
    'podSpecPatch is a free-form string merged into the pod at run time: it can add privileged containers, host ' +
    'mounts or another service account that neither the schema nor the POD rules can see.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const found = workflowSpecOf(object.manifest);
    if (found === undefined) return notApplicable();
    const failures: string[] = [];
    if (found.spec.podSpecPatch !== undefined) failures.push(`${found.at}.podSpecPatch is set`);
    if (record(found.spec.templateDefaults).podSpecPatch !== undefined) {
      failures.push(`${found.at}.templateDefaults.podSpecPatch is set`);
    }
    blocks(found.spec.templates).forEach((t, i) => {
      if (t.podSpecPatch !== undefined) {
        failures.push(`${found.at}.${formatPath(['templates', i])} (${show(t.name)}).podSpecPatch is set`);
      }
    });
    return verdict(failures);
  },
};
