import type { PolicyStatement } from './iam';
import { argoServer } from './policies/argo-server';
import { argoWorkflow } from './policies/argo-workflow';
import type { WorkloadKey, WorkloadPolicyContext } from './policies/context';
import { externalSecrets } from './policies/external-secrets';
import { fluentBit } from './policies/fluent-bit';
import { jupyterReadOnly } from './policies/jupyter-read-only';
import { jupyterSingleUser } from './policies/jupyter-single-user';
import { karpenter } from './policies/karpenter';
import { loadBalancerController } from './policies/load-balancer-controller';
import { sparkHistoryServer } from './policies/spark-history-server';
import { sparkJobRunner } from './policies/spark-job-runner';

export type { WorkloadKey, WorkloadPolicyContext } from './policies/context';
export { FLUENT_BIT_LOG_GROUPS } from './policies/fluent-bit';
export { TEAM_POLICIES } from './policies/teams';

/**
 * The least-privilege statements of every workload role, as pure functions of the config and the project key ARN,
 * so they can be unit-tested without synthesizing. One workload (or vendor) policy per file under policies/; this
 * index maps each workload role to its statements.
 */

/** The statements of each workload role. */
export const WORKLOAD_POLICIES: Readonly<
  Record<WorkloadKey, (ctx: WorkloadPolicyContext) => PolicyStatement[]>
> = {
  sparkJobRunner,
  argoWorkflow,
  argoServer,
  jupyterSingleUser,
  jupyterReadOnly,
  sparkHistoryServer,
  fluentBit,
  loadBalancerController,
  karpenter,
  externalSecrets,
};
