import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import {
  athenaWorkgroupName,
  bucketArn,
  bucketName,
  irsaSubject,
  KARPENTER_NODE_ROLE,
  karpenterQueueArn,
  logGroupName,
  roleArn,
  roleName,
  WORKLOADS,
  type EnvironmentConfig,
} from '../../config';
import { WILDCARD_RESOURCE_ACTIONS, type ClusterIdentity } from '../constructs/iam';
import { WORKLOAD_POLICIES, type WorkloadKey } from '../constructs/workload-policies';
import { DEV, PROD, devWith, resourcesOf, synthStack, testApp, type TerraformJson } from '../testing';
import { FoundationStack } from './foundation-stack';
import { WorkloadsStack } from './workloads-stack';

const CLUSTER: ClusterIdentity = {
  clusterName: 'sqletl-dev',
  clusterArn: 'arn:aws:eks:us-east-1:111122223333:cluster/sqletl-dev',
  oidcProviderArn: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE',
  oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE',
};

/** The project key ARN as the workloads stack sees it: a cross-stack reference to the foundation stack. */
const KEY_ARN =
  '${data.terraform_remote_state.cross_stack_reference_input_dev_foundation.outputs.cross_stack_output_aws_kms_key_project_key_arn}';

function build(env: EnvironmentConfig = DEV, cluster: ClusterIdentity = CLUSTER) {
  const app = testApp();
  const foundation = new FoundationStack(app, { env });
  const stack = new WorkloadsStack(app, { env, foundation, cluster });
  // Resolves the cross-stack reference to the project key, as `app.synth()` would.
  stack.prepareStack();
  return { stack, ...synthStack(stack) };
}

interface Statement {
  sid: string;
  effect: string;
  actions: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

const WORKLOAD_KEYS = Object.keys(WORKLOAD_POLICIES) as WorkloadKey[];
const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const documents = (json: TerraformJson) =>
  json.data!.aws_iam_policy_document as Record<string, { statement: Statement[] }>;
const policyOf = (json: TerraformJson, key: WorkloadKey) =>
  documents(json)[`${snake(key)}_policy_document`].statement;
const trustOf = (json: TerraformJson, key: WorkloadKey) => documents(json)[`${snake(key)}_trust`].statement;

/** Terraform names of the platform's own workloads (team roles start with `team_`). */
const isPlatform = (name: string) => !name.startsWith('team_');

describe('WorkloadsStack', () => {
  const { stack, raw, json } = build();

  test('is named after the environment', () => {
    expect(stack.node.id).toBe('dev-workloads');
  });

  test('creates four roles per team: jobs (IRSA), workflow pods (Pod Identity), notebooks read-write and read-only', () => {
    const roles = resourcesOf(json, 'aws_iam_role');
    const associations = resourcesOf(json, EksPodIdentityAssociation.tfResourceType);
    expect(
      Object.keys(roles)
        .filter((k) => !isPlatform(k))
        .sort(),
    ).toEqual(
      ['analytics', 'data_platform']
        .flatMap((team) =>
          ['spark_job_runner', 'argo_workflow', 'notebook', 'notebook_read_only'].map(
            (r) => `team_${team}_${r}`,
          ),
        )
        .sort(),
    );
    expect(roles.team_analytics_spark_job_runner.name).toBe(roleName(DEV, 'team-analytics-spark'));
    expect(associations.team_analytics_argo_workflow_pod_identity).toMatchObject({
      namespace: 'team-analytics',
      service_account: 'argo-workflow',
    });
    expect(documents(json).team_analytics_spark_job_runner_trust.statement[0].condition?.[0].values).toEqual([
      'system:serviceaccount:team-analytics:spark-job-runner',
    ]);
  });

  test('creates one role per workload except the EBS CSI driver, named by the naming function', () => {
    const roles = resourcesOf(json, 'aws_iam_role');
    expect(Object.keys(roles).filter(isPlatform).sort()).toEqual(WORKLOAD_KEYS.map(snake).sort());
    expect(WORKLOAD_KEYS).toEqual(Object.keys(WORKLOADS).filter((k) => k !== 'ebsCsiDriver'));
    for (const key of WORKLOAD_KEYS) {
      expect(roles[snake(key)].name).toBe(roleName(DEV, WORKLOADS[key].role));
    }
    expect(JSON.stringify(roles)).not.toContain('ebs-csi');
  });

  test('each role has exactly one inline policy, its own least-privilege document', () => {
    const policies = resourcesOf(json, 'aws_iam_role_policy');
    expect(Object.keys(policies).filter(isPlatform)).toHaveLength(WORKLOAD_KEYS.length);
    for (const key of WORKLOAD_KEYS) {
      expect(policies[`${snake(key)}_policy`]).toMatchObject({
        role: `\${aws_iam_role.${snake(key)}.id}`,
        policy: `\${data.aws_iam_policy_document.${snake(key)}_policy_document.json}`,
      });
    }
  });

  test('IRSA roles trust exactly their namespace:serviceaccount with the STS audience', () => {
    const irsa = WORKLOAD_KEYS.filter((k) => WORKLOADS[k].mechanism === 'irsa');
    expect(irsa).toEqual(['sparkJobRunner', 'jupyterSingleUser', 'jupyterReadOnly']);
    for (const key of irsa) {
      expect(trustOf(json, key)).toEqual([
        {
          sid: 'ServiceAccountWebIdentity',
          effect: 'Allow',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [CLUSTER.oidcProviderArn] }],
          condition: [
            {
              test: 'StringEquals',
              variable: `${CLUSTER.oidcIssuer}:sub`,
              values: [`system:serviceaccount:${WORKLOADS[key].namespace}:${WORKLOADS[key].serviceAccount}`],
            },
            { test: 'StringEquals', variable: `${CLUSTER.oidcIssuer}:aud`, values: ['sts.amazonaws.com'] },
          ],
        },
      ]);
      expect(irsaSubject(WORKLOADS[key])).toBe(trustOf(json, key)[0].condition![0].values[0]);
    }
  });

  test('Pod Identity roles are associated with their namespace and service account, IRSA roles are not', () => {
    const associations = resourcesOf(json, EksPodIdentityAssociation.tfResourceType);
    const podIdentity = WORKLOAD_KEYS.filter((k) => WORKLOADS[k].mechanism === 'podIdentity');
    expect(Object.keys(associations).filter(isPlatform).sort()).toEqual(
      podIdentity.map((k) => `${snake(k)}_pod_identity`).sort(),
    );
    for (const key of podIdentity) {
      expect(associations[`${snake(key)}_pod_identity`]).toEqual({
        cluster_name: CLUSTER.clusterName,
        namespace: WORKLOADS[key].namespace,
        service_account: WORKLOADS[key].serviceAccount,
        role_arn: `\${aws_iam_role.${snake(key)}.arn}`,
      });
      expect(trustOf(json, key)[0].principals).toEqual([
        { type: 'Service', identifiers: ['pods.eks.amazonaws.com'] },
      ]);
    }
  });

  test('no statement grants * or service:* actions, and * resources only carry wildcard-only actions', () => {
    const all = Object.values(documents(json)).flatMap((d) => d.statement);
    expect(all.length).toBeGreaterThan(50);
    for (const s of all) {
      expect(s.effect).toBe('Allow');
      for (const action of s.actions) expect(action).not.toMatch(/(^\*$|:\*$)/);
      if (s.resources?.includes('*')) {
        expect(s.resources, s.sid).toEqual(['*']);
        for (const action of s.actions) expect(WILDCARD_RESOURCE_ACTIONS, `${s.sid}`).toContain(action);
      }
    }
  });

  test('every ARN in a policy belongs to this account and region (or is global/account-less by nature)', () => {
    const resources = WORKLOAD_KEYS.flatMap((k) => policyOf(json, k).flatMap((s) => s.resources ?? []));
    for (const arn of resources) {
      if (arn === '*' || arn === KEY_ARN) continue;
      expect(arn).toMatch(
        /^arn:aws:(s3:::|iam::111122223333:|shield::111122223333:|ec2:us-east-1::|ssm:us-east-1::parameter\/aws\/service\/\*$|[a-z0-9-]+:us-east-1:111122223333:)/,
      );
    }
  });

  test('the Spark job runner and notebooks cannot touch the assets bucket outside jobs/', () => {
    const assets = bucketArn(DEV, 'assets');
    for (const key of ['sparkJobRunner', 'jupyterSingleUser'] as const) {
      const onAssets = policyOf(json, key).filter((s) => s.resources!.some((r) => r.startsWith(assets)));
      expect(onAssets).toHaveLength(2);
      for (const s of onAssets) {
        for (const r of s.resources!) {
          if (r === assets) {
            expect(s.actions).toEqual(['s3:ListBucket']);
            expect(s.condition).toEqual([{ test: 'StringLike', variable: 's3:prefix', values: ['jobs/*'] }]);
          } else {
            expect(r).toBe(`${assets}/jobs/*`);
            expect(s.actions).toEqual(['s3:GetObject']);
          }
        }
      }
    }
  });

  test('ETL roles read and write the whole data lake, the ETL Glue database and the Athena workgroup', () => {
    const lake = bucketArn(DEV, 'datalake');
    const glue = 'arn:aws:glue:us-east-1:111122223333';
    for (const key of ['sparkJobRunner', 'jupyterSingleUser'] as const) {
      const statements = policyOf(json, key);
      const sid = (id: string) => statements.find((s) => s.sid === id)!;
      expect(sid('ReadWriteDatalakeObjects').resources).toEqual([`${lake}/*`]);
      expect(sid('ReadWriteDatalakeObjects').actions).toEqual(
        expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']),
      );
      expect(sid('ListDatalake').actions).toContain('s3:ListBucket');
      expect(sid('ListDatalake').resources).toEqual([lake]);
      expect(sid('ReadWriteEtlCatalog').resources).toEqual([
        `${glue}:catalog`,
        `${glue}:database/sqletl_dev`,
        `${glue}:table/sqletl_dev/*`,
      ]);
      expect(sid('ReadWriteEtlCatalog').actions).toEqual(
        expect.arrayContaining([
          'glue:GetTable',
          'glue:CreateTable',
          'glue:UpdateTable',
          'glue:DeletePartition',
        ]),
      );
      expect(sid('RunAthenaQueries').resources).toEqual([
        `arn:aws:athena:us-east-1:111122223333:workgroup/${athenaWorkgroupName(DEV)}`,
      ]);
      expect(sid('RunAthenaQueries').actions).toEqual(
        expect.arrayContaining([
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
        ]),
      );
      expect(sid('ReadWriteAthenaResults').resources).toEqual([`${bucketArn(DEV, 'athena-results')}/*`]);
    }
  });

  test('KMS use is limited to the project key and to calls made through the owning service', () => {
    for (const key of WORKLOAD_KEYS) {
      for (const s of policyOf(json, key).filter((st) => st.actions.some((a) => a.startsWith('kms:')))) {
        expect(s.resources).toEqual([KEY_ARN]);
        const service = key === 'externalSecrets' ? 'secretsmanager' : 's3';
        expect(s.condition).toEqual([
          {
            test: 'StringEquals',
            variable: 'kms:ViaService',
            values: [`${service}.us-east-1.amazonaws.com`],
          },
        ]);
      }
    }
  });

  test('the history server is read-only, on the event log prefix only, and can stat the directory itself', () => {
    const lake = bucketArn(DEV, 'datalake');
    const statements = policyOf(json, 'sparkHistoryServer');
    expect(statements.flatMap((s) => s.actions).sort()).toEqual([
      'kms:Decrypt',
      's3:GetObject',
      's3:ListBucket',
    ]);
    // S3A's getFileStatus of s3a://<lake>/spark-event-logs/ HEADs `spark-event-logs` (no slash; a 403 there is an
    // error, not "no such key"), then the `spark-event-logs/` marker, then lists the prefix.
    expect(statements.find((s) => s.actions.includes('s3:GetObject'))!.resources).toEqual([
      `${lake}/spark-event-logs`,
      `${lake}/spark-event-logs/*`,
    ]);
    expect(statements.find((s) => s.actions.includes('s3:ListBucket'))!.condition).toEqual([
      { test: 'StringLike', variable: 's3:prefix', values: ['spark-event-logs', 'spark-event-logs/*'] },
    ]);
  });

  test('Argo workflows read/write only the artifacts prefix; the Argo server only reads it', () => {
    const assets = bucketArn(DEV, 'assets');
    const workflow = policyOf(json, 'argoWorkflow');
    const server = policyOf(json, 'argoServer');
    for (const statements of [workflow, server]) {
      const objects = statements.find((s) => s.sid.endsWith('ArgoArtifacts') && !s.sid.startsWith('List'))!;
      expect(objects.resources).toEqual([`${assets}/argo-artifacts/*`]);
      expect(statements.find((s) => s.sid === 'ListArgoArtifacts')).toMatchObject({
        actions: ['s3:ListBucket'],
        condition: [{ test: 'StringLike', variable: 's3:prefix', values: ['argo-artifacts/*'] }],
      });
    }
    expect(workflow.flatMap((s) => s.actions)).toContain('s3:PutObject');
    expect(server.flatMap((s) => s.actions).sort()).toEqual(['kms:Decrypt', 's3:GetObject', 's3:ListBucket']);
  });

  test('Fluent Bit writes to the two log groups this stack creates (encrypted, retained) and to spark-logs/', () => {
    for (const purpose of ['containers', 'spark']) {
      expect(
        Testing.toHaveResourceWithProperties(raw, CloudwatchLogGroup.tfResourceType, {
          name: logGroupName(DEV, purpose),
          kms_key_id: KEY_ARN,
          retention_in_days: DEV.logs.retentionDays,
        }),
      ).toBe(true);
    }
    const statements = policyOf(json, 'fluentBit');
    expect(statements.flatMap((s) => s.actions)).not.toContain('logs:CreateLogGroup');
    expect(statements.find((s) => s.sid === 'WriteContainerLogs')).toMatchObject({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [
        'arn:aws:logs:us-east-1:111122223333:log-group:/sqletl/dev/containers:*',
        'arn:aws:logs:us-east-1:111122223333:log-group:/sqletl/dev/spark:*',
      ],
    });
    expect(statements.find((s) => s.sid === 'WriteSparkLogs')!.resources).toEqual([
      `${bucketArn(DEV, 'datalake')}/spark-logs/*`,
    ]);
  });

  test('External Secrets reads exactly the secrets it syncs, nothing else under the environment prefix', () => {
    const statements = policyOf(json, 'externalSecrets');
    expect(statements[0]).toMatchObject({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      // Secrets Manager appends -XXXXXX to a secret's name; `-??????` admits that and no sibling name.
      resources: [
        'arn:aws:secretsmanager:us-east-1:111122223333:secret:sqletl/dev/oidc/argo-??????',
        'arn:aws:secretsmanager:us-east-1:111122223333:secret:sqletl/dev/oidc/jupyterhub-??????',
      ],
    });
    expect(statements[0].resources!.join()).not.toContain('*');
    expect(statements.slice(1)).toEqual([
      expect.objectContaining({
        actions: ['kms:Decrypt'],
        condition: [
          expect.objectContaining({
            variable: 'kms:ViaService',
            values: ['secretsmanager.us-east-1.amazonaws.com'],
          }),
        ],
      }),
    ]);
  });

  test('Karpenter passes only the node role, only to EC2; no other workload may pass a role', () => {
    for (const key of WORKLOAD_KEYS) {
      const passing = policyOf(json, key).filter((s) => s.actions.includes('iam:PassRole'));
      if (key !== 'karpenter') {
        expect(passing, key).toEqual([]);
        continue;
      }
      expect(passing).toEqual([
        expect.objectContaining({
          actions: ['iam:PassRole'],
          resources: [roleArn(DEV, KARPENTER_NODE_ROLE)],
          condition: [
            { test: 'StringEquals', variable: 'iam:PassedToService', values: ['ec2.amazonaws.com'] },
          ],
        }),
      ]);
    }
  });

  test('Karpenter only terminates and tags what carries its cluster and node pool tags', () => {
    const statements = policyOf(json, 'karpenter');
    const sid = (id: string) => statements.find((s) => s.sid === id)!;
    expect(sid('DeleteOwnedInstances')).toMatchObject({
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      condition: [
        {
          test: 'StringEquals',
          variable: 'aws:ResourceTag/kubernetes.io/cluster/sqletl-dev',
          values: ['owned'],
        },
        { test: 'StringLike', variable: 'aws:ResourceTag/karpenter.sh/nodepool', values: ['*'] },
      ],
    });
    for (const id of ['CreateTaggedInstances', 'TagOnCreate']) {
      expect(sid(id).condition).toEqual(
        expect.arrayContaining([
          {
            test: 'StringEquals',
            variable: 'aws:RequestTag/kubernetes.io/cluster/sqletl-dev',
            values: ['owned'],
          },
          { test: 'StringLike', variable: 'aws:RequestTag/karpenter.sh/nodepool', values: ['*'] },
        ]),
      );
    }
    expect(sid('ConsumeInterruptionQueue').resources).toEqual([
      'arn:aws:sqs:us-east-1:111122223333:sqletl-dev-karpenter',
    ]);
    expect(sid('DiscoverApiServer').resources).toEqual([CLUSTER.clusterArn]);
    expect(sid('ManageOwnedInstanceProfiles').resources).toEqual([
      'arn:aws:iam::111122223333:instance-profile/*',
    ]);
    expect(sid('ReadPublicAmiParameters').resources).toEqual([
      'arn:aws:ssm:us-east-1::parameter/aws/service/*',
    ]);
  });

  test('the load balancer controller changes or deletes only load balancers tagged for a cluster', () => {
    const statements = policyOf(json, 'loadBalancerController');
    const tagged = { test: 'Null', variable: 'aws:ResourceTag/elbv2.k8s.aws/cluster', values: ['false'] };
    for (const s of statements) {
      if (
        s.actions.some((a) =>
          /:(Delete(LoadBalancer|TargetGroup|SecurityGroup)|Modify(LoadBalancer|TargetGroup)Attributes)$/.test(
            a,
          ),
        )
      ) {
        expect(s.condition, s.sid).toContainEqual(tagged);
      }
      if (s.actions.includes('elasticloadbalancing:CreateLoadBalancer')) {
        expect(s.condition).toEqual([
          { test: 'Null', variable: 'aws:RequestTag/elbv2.k8s.aws/cluster', values: ['false'] },
        ]);
      }
    }
    const elb = statements.flatMap((s) => s.resources!).filter((r) => r.includes(':elasticloadbalancing:'));
    expect(new Set(elb)).toEqual(
      new Set(
        ['loadbalancer/app/*/*', 'targetgroup/*/*', 'listener/app/*/*/*', 'listener-rule/app/*/*/*'].map(
          (r) => `arn:aws:elasticloadbalancing:us-east-1:111122223333:${r}`,
        ),
      ),
    );
  });

  test('with an existing data lake bucket every data lake grant names it and never the kit bucket', () => {
    const corp = build(devWith({ data: { existingDatalakeBucket: 'corp-lake' } })).json;
    expect(JSON.stringify(corp.data)).not.toContain(bucketName(DEV, 'datalake'));
    for (const key of ['sparkJobRunner', 'jupyterSingleUser', 'sparkHistoryServer', 'fluentBit'] as const) {
      const resources = policyOf(corp, key).flatMap((s) => s.resources ?? []);
      expect(
        resources.some((r) => r === 'arn:aws:s3:::corp-lake' || r.startsWith('arn:aws:s3:::corp-lake/')),
      ).toBe(true);
    }
    // And the default names the kit's bucket, so the assertion above can fail.
    expect(JSON.stringify(json.data)).toContain(bucketName(DEV, 'datalake'));
  });

  test('every inline policy fits IAM’s 10,240-character limit for inline role policies', () => {
    for (const env of [DEV, PROD]) {
      const ctx = {
        env,
        keyArn: `arn:aws:kms:${env.region}:${env.account}:key/12345678-1234-1234-1234-123456789012`,
        clusterArn: `arn:aws:eks:${env.region}:${env.account}:cluster/${env.prefix}-${env.name}`,
      };
      for (const [key, statements] of Object.entries(WORKLOAD_POLICIES)) {
        const document = {
          Version: '2012-10-17',
          Statement: statements(ctx).map((s) => ({
            Sid: s.sid,
            Effect: 'Allow',
            Action: s.actions,
            Resource: s.resources,
            Condition: s.conditions,
          })),
        };
        expect(JSON.stringify(document).length, key).toBeLessThan(10_240);
      }
    }
  });

  test('outputs the role ARN of every workload', () => {
    const value = json.output!.workload_role_arns.value as Record<string, string>;
    expect(Object.keys(value).sort()).toEqual([...WORKLOAD_KEYS].sort());
    expect(value.karpenter).toBe('${aws_iam_role.karpenter.arn}');
  });

  test('another prefix or environment gives other role and log group names', () => {
    const other = build(devWith({ prefix: 'other' }), { ...CLUSTER, clusterName: 'other-dev' }).json;
    expect(resourcesOf(other, 'aws_iam_role').karpenter.name).toBe('other-dev-us-east-1-karpenter');
    expect(resourcesOf(other, 'aws_cloudwatch_log_group').spark_log_group.name).toBe('/other/dev/spark');
    expect(karpenterQueueArn(PROD)).toMatch(/:sqletl-prod-karpenter$/);
  });

  test('fails when given the foundation stack of another environment', () => {
    const app = testApp();
    const foundation = new FoundationStack(app, { env: PROD });
    expect(() => new WorkloadsStack(app, { env: DEV, foundation, cluster: CLUSTER })).toThrow(
      /given the foundation stack of 'sqletl-prod'; pass the foundation stack of the same environment/,
    );
  });

  test('fails when the cluster name is not the environment’s cluster', () => {
    expect(() => build(DEV, { ...CLUSTER, clusterName: 'someone-else' })).toThrow(
      /cluster name 'someone-else' is not the environment's cluster 'sqletl-dev'/,
    );
  });

  test('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });
});
