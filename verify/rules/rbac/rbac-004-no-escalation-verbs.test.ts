import { RBAC_004 } from './rbac-004-no-escalation-verbs';
import type { Edits } from '../testing';
import { distObject, ruleTests } from '../testing';

const run =
  (edits: Edits = {}) =>
  () =>
    RBAC_004.evaluate(distObject('dev/dev-spark-jobs-access/Role.argo-workflow.yaml', edits));

ruleTests(RBAC_004, {
  compliant: [{ name: 'the real Argo workflow Role', result: run() }],
  nonCompliant: [
    {
      name: 'impersonate',
      result: run({ 'rules.0.verbs': ['create', 'impersonate'] }),
      message: /rules\[0\] grants impersonate/,
    },
    {
      name: 'bind and escalate',
      result: run({ 'rules.1.verbs': ['bind', 'escalate'] }),
      message: /grants bind; rules\[1\] grants escalate/,
    },
  ],
});
