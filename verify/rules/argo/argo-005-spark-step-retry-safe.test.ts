import { stringify } from 'yaml';
import { ARGO_005 } from './argo-005-spark-step-retry-safe';
import type { Edits } from '../testing';
import {
  DIST_K8S,
  distObject,
  hardenedSparkApplication,
  hardenedWorkflowTemplate,
  k8s,
  ruleTests,
} from '../testing';

const template = (edits: Edits) => () => ARGO_005.evaluate(distObject(DIST_K8S.customerScd2, edits));

/** A WorkflowTemplate whose second template creates a SparkApplication with the given resource fields. */
const sparkStep =
  (resource: Record<string, unknown>, name = 'etl-load') =>
  () =>
    ARGO_005.evaluate(
      k8s(hardenedWorkflowTemplate(), {
        'spec.templates.1': {
          name: 'load',
          retryStrategy: { limit: 2, retryPolicy: 'OnError', backoff: { duration: '1m' } },
          resource: {
            setOwnerReference: true,
            successCondition: 'status.applicationState.state == COMPLETED',
            manifest: stringify({
              ...hardenedSparkApplication(),
              metadata: { name, namespace: 'spark-jobs' },
            }),
            ...resource,
          },
        },
      }),
    );

ruleTests(ARGO_005, {
  compliant: [
    { name: 'the real customer-scd2 WorkflowTemplate', result: template({}) },
    {
      name: 'the real ad-hoc submit WorkflowTemplate',
      result: () => ARGO_005.evaluate(distObject(DIST_K8S.sparkSubmit)),
    },
    {
      name: 'a retried create whose name carries the retry number',
      result: sparkStep(
        { action: 'create', failureCondition: 'status.applicationState.state == FAILED' },
        'etl-load-{{retries}}',
      ),
    },
  ],
  nonCompliant: [
    {
      name: 'the real WorkflowTemplate failing on the transient operator states',
      result: template({
        'spec.templates.1.resource.failureCondition':
          'status.applicationState.state in (FAILED, SUBMISSION_FAILED, UNKNOWN)',
      }),
      message:
        /^spec\.templates\[1\] \(spark-initial-load\)\.resource\.failureCondition fails on SUBMISSION_FAILED, UNKNOWN, which the operator retries or recovers from; fail on FAILED only$/,
    },
    {
      name: 'the real WorkflowTemplate creating a fixed name under a retryStrategy',
      result: template({ 'spec.templates.2.resource.action': 'create' }),
      message:
        /^spec\.templates\[2\] \(spark-delta-load\) is retried but its action is create with a fixed name/,
    },
    {
      name: 'the real WorkflowTemplate with no failureCondition',
      result: template({ 'spec.templates.3.resource.failureCondition': undefined }),
      message:
        /^spec\.templates\[3\] \(spark-scd2-merge\)\.resource\.failureCondition does not end the step on FAILED/,
    },
    {
      name: 'a failure condition on SUBMISSION_FAILED alone',
      result: sparkStep({
        action: 'apply',
        failureCondition: 'status.applicationState.state == SUBMISSION_FAILED',
      }),
      message: /does not end the step on FAILED/,
    },
  ],
  notApplicable: [
    {
      name: 'the real CronWorkflow (no templates of its own)',
      result: () => ARGO_005.evaluate(distObject(DIST_K8S.customerScd2Cron)),
    },
    {
      name: 'a WorkflowTemplate without SparkApplication steps',
      result: () => ARGO_005.evaluate(k8s(hardenedWorkflowTemplate())),
    },
  ],
});
