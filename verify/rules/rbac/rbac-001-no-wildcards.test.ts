import { RBAC_001 } from './rbac-001-no-wildcards';
import type { Edits } from '../testing';
import { distObject, ruleTests } from '../testing';

const run =
  (edits: Edits = {}) =>
  () =>
    RBAC_001.evaluate(distObject('dev/dev-spark-jobs-access/Role.spark-driver.yaml', edits));

ruleTests(RBAC_001, {
  compliant: [{ name: 'the real Spark driver Role', result: run() }],
  nonCompliant: [
    {
      name: 'verbs "*"',
      result: run({ 'rules.0.verbs': ['*'] }),
      message: /rules\[0\]\.verbs contains "\*"/,
    },
    { name: 'resources "*"', result: run({ 'rules.0.resources': ['*'] }), message: /resources/ },
    { name: 'apiGroups "*"', result: run({ 'rules.0.apiGroups': ['*'] }), message: /apiGroups/ },
  ],
  notApplicable: [
    {
      name: 'a RoleBinding',
      result: () => RBAC_001.evaluate(distObject('dev/dev-spark-jobs-access/RoleBinding.spark-driver.yaml')),
    },
  ],
});
