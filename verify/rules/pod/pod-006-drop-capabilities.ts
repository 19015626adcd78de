import { evaluateContainers } from '../lib/pods';
import { record, strings } from '../lib/values';
import type { KubernetesRule } from '../lib/rule';

/** POD-006: containers drop every Linux capability (NET_BIND_SERVICE may be added back). */
export const POD_006: KubernetesRule = {
  id: 'POD-006',
  info: 'Every container drops ALL capabilities and adds back none but NET_BIND_SERVICE',
  rationale:
    'The runtime default keeps capabilities such as NET_RAW and CHOWN that ETL containers never need and exploits ' +
    'do. Pod Security "restricted" requires it.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    return evaluateContainers(object, (_pod, c) => {
      const capabilities = record(c.securityContext.capabilities);
      if (!strings(capabilities.drop).includes('ALL')) return 'capabilities.drop does not include ALL';
      const added = strings(capabilities.add).filter((a) => a !== 'NET_BIND_SERVICE');
      return added.length === 0 ? undefined : `capabilities.add includes ${added.join(', ')}`;
    });
  },
};
