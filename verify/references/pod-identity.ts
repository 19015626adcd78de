import type { Problem } from '../problem';
import { serviceAccountsCreated } from './inventory';
import type { ReferenceCheck } from './model';
import { isExpression, listing, resourcesOfType, terraformProblem } from './model';

/**
 * Every `aws_eks_pod_identity_association` names a service account that exists in its namespace: created by a
 * ServiceAccount manifest, a Helm release (recognised values) or an EKS add-on. An association to a missing account
 * gives no pod any credentials, and nothing else reports it.
 */
export const podIdentityCheck: ReferenceCheck = {
  id: 'pod-identity',
  title: 'Pod Identity associations point at a service account that manifests, Helm or an add-on create',
  run(input) {
    const problems: Problem[] = [];
    let checked = 0;
    for (const environment of input.environments) {
      const created = serviceAccountsCreated(environment);
      for (const association of resourcesOfType(environment, 'aws_eks_pod_identity_association')) {
        const { namespace, service_account: account } = association.values;
        if (typeof namespace !== 'string' || typeof account !== 'string') {
          problems.push(
            terraformProblem(association, 'namespace and service_account must be literal strings'),
          );
          continue;
        }
        if (isExpression(namespace) || isExpression(account)) continue;
        checked += 1;
        if (created.has(`${namespace}/${account}`)) continue;
        const there = [...created.keys()]
          .filter((key) => key.startsWith(`${namespace}/`))
          .map((key) => key.slice(namespace.length + 1));
        problems.push(
          terraformProblem(
            association,
            `service_account: "${namespace}/${account}" is created by no ServiceAccount manifest, Helm release or ` +
              `EKS add-on of ${environment.env}; accounts in "${namespace}": ${listing(there)}`,
          ),
        );
      }
    }
    return { problems, checked };
  },
};
