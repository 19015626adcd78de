import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { RUNNER_IMAGE, RUNNER_TERRAFORM_VERSION, stateKey } from '../../config';
import { ClusterStack } from '../stacks/cluster-stack';
import { FoundationStack } from '../stacks/foundation-stack';
import { DEV, PROD, resourcesOf, synthStack, testApp } from '../testing';
import {
  argocdBootstrapFiles,
  escapeTerraform,
  HASHICORP_RELEASE_KEY_FINGERPRINT,
  PLATFORM_READS,
  runnerBuildspec,
} from './platform-runner';

const REPO = path.resolve(__dirname, '../..');
const NETWORK = { vpcId: 'vpc-0123', privateSubnetIds: ['subnet-a', 'subnet-b'], vpcCidr: '10.20.0.0/16' };

function synth(env = DEV) {
  const app = testApp();
  const foundation = new FoundationStack(app, { env });
  const stack = new ClusterStack(app, { env, foundation, network: NETWORK });
  stack.prepareStack();
  return synthStack(stack).json;
}

type Statement = {
  sid: string;
  actions: string[];
  resources: string[];
  principals?: { identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
};

describe('PlatformRunner', () => {
  const json = synth();
  const project = resourcesOf(json, 'aws_codebuild_project').platform_runner_project;
  const policy = json.data!.aws_iam_policy_document.platform_runner_role_policy_document
    .statement as Statement[];
  const bySid = (sid: string) => policy.find((s) => s.sid === sid)!;
  const stateArn = `arn:aws:s3:::${DEV.state.bucket}`;

  test('runs in the private subnets behind its own security group, which sends only HTTPS and admits nothing', () => {
    expect(project.vpc_config).toEqual({
      vpc_id: 'vpc-0123',
      subnets: ['subnet-a', 'subnet-b'],
      security_group_ids: ['${aws_security_group.platform_runner_security_group.id}'],
    });
    const sgId = '${aws_security_group.platform_runner_security_group.id}';
    const ingress = Object.values(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).filter(
      (r) => r.security_group_id === sgId,
    );
    expect(ingress).toEqual([]);
    const egress = Object.values(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).filter(
      (r) => r.security_group_id === sgId,
    );
    expect(egress.map((r) => [r.ip_protocol, r.from_port, r.to_port])).toEqual([['tcp', 443, 443]]);
  });

  test('the private API endpoint admits the runner: HTTPS from the VPC, where its subnets are', () => {
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule').api_from_vpc).toMatchObject({
      from_port: 443,
      cidr_ipv4: NETWORK.vpcCidr,
    });
  });

  test('has its own cluster-admin access entry (Helm installs CRDs and cluster roles), not a human role', () => {
    const entry = resourcesOf(json, 'aws_eks_access_entry').platform_runner_access_entry;
    expect(entry.principal_arn).toMatch(/^\$\{aws_iam_role\.platform_runner_role.*\.arn\}$/);
    expect(
      resourcesOf(json, 'aws_eks_access_policy_association').platform_runner_access_policy,
    ).toMatchObject({
      principal_arn: entry.principal_arn,
      policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      access_scope: { type: 'cluster' },
    });
  });

  test('the role is assumable only by CodeBuild for this project in this account', () => {
    const trust = json.data!.aws_iam_policy_document.platform_runner_role_trust.statement as Statement[];
    expect(trust).toHaveLength(1);
    expect(trust[0].principals).toEqual([{ type: 'Service', identifiers: ['codebuild.amazonaws.com'] }]);
    expect(trust[0].condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111122223333'] },
      {
        test: 'ArnEquals',
        variable: 'aws:SourceArn',
        values: ['arn:aws:codebuild:us-east-1:111122223333:project/sqletl-dev-platform-apply'],
      },
    ]);
  });

  test('least privilege: writes only the platform state and its lock, reads only the states the platform reads', () => {
    const own = `${stateArn}/${stateKey(DEV, 'platform')}`;
    expect(bySid('WritePlatformState').resources).toEqual([own, `${own}.tflock`]);
    expect(bySid('ReadStatesThePlatformReads').resources).toEqual(
      ['cluster', 'edge', 'identity'].map((unit) => `${stateArn}/${stateKey(DEV, unit)}`),
    );
    expect(bySid('ReadPlatformSource')).toMatchObject({
      actions: ['s3:GetObject'],
      resources: ['arn:aws:s3:::sqletl-dev-assets-111122223333-us-east-1/platform-source/*'],
    });
    for (const statement of policy) {
      for (const action of statement.actions) expect(action).not.toMatch(/(^\*$|:\*$)/);
      if (statement.resources.includes('*')) {
        expect(statement.sid).toBe('DescribeBuildNetwork');
        expect(statement.actions.every((a) => a.startsWith('ec2:Describe'))).toBe(true);
      }
    }
    expect(bySid('BuildNetworkInterfacePermission').condition).toContainEqual({
      test: 'StringEquals',
      variable: 'ec2:AuthorizedService',
      values: ['codebuild.amazonaws.com'],
    });
  });

  test('PLATFORM_READS are exactly the stacks the synthesized platform stack reads (remote states in dist/)', () => {
    for (const env of [DEV, PROD]) {
      const file = path.join(REPO, 'dist/terraform/stacks', `${env.name}-platform`, 'cdk.tf.json');
      const platform = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        data?: { terraform_remote_state?: Record<string, { config: { key: string } }> };
      };
      const reads = Object.values(platform.data?.terraform_remote_state ?? {})
        .map((r) => r.config.key)
        .sort();
      expect(reads).toEqual(PLATFORM_READS.map((unit) => stateKey(env, unit)).sort());
    }
  });

  test('the bootstrap files are exactly the root objects in dist/k8s/<env>/<env>-argocd/', () => {
    for (const env of [DEV, PROD]) {
      const dir = path.join(REPO, 'dist/k8s', env.name, `${env.name}-argocd`);
      expect(fs.readdirSync(dir).sort()).toEqual(argocdBootstrapFiles(env).sort());
    }
  });

  test('logs go to a KMS-encrypted log group with bounded retention; the build is encrypted with the key', () => {
    const group = resourcesOf(json, 'aws_cloudwatch_log_group').platform_runner_logs;
    expect(group).toMatchObject({ name: '/sqletl/dev/platform-apply', retention_in_days: 365 });
    expect(group.kms_key_id).toMatch(/project_key_arn/);
    expect(project.encryption_key).toMatch(/project_key_arn/);
    expect(project.logs_config).toMatchObject({
      cloudwatch_logs: {
        status: 'ENABLED',
        group_name: '${aws_cloudwatch_log_group.platform_runner_logs.name}',
      },
      s3_logs: { status: 'DISABLED' },
    });
  });

  test('pinned image and Terraform, unprivileged, one build at a time', () => {
    expect(project.environment).toMatchObject({ image: RUNNER_IMAGE, privileged_mode: false });
    expect(RUNNER_IMAGE).toMatch(/:\d+\.\d+$/);
    expect(RUNNER_TERRAFORM_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(project.concurrent_build_limit).toBe(1);
  });

  describe('buildspec', () => {
    const spec = parse(runnerBuildspec(DEV)) as {
      phases: Record<string, { commands: string[] }>;
    };
    test('is the project buildspec and valid YAML with install, pre_build and build phases', () => {
      expect(project.source).toEqual({ type: 'NO_SOURCE', buildspec: escapeTerraform(runnerBuildspec(DEV)) });
      // bash's `${key##*/}` reaches CodeBuild as written, not as a Terraform interpolation.
      expect(runnerBuildspec(DEV)).toContain('${key##*/}');
      expect((project.source as { buildspec: string }).buildspec).toContain('$${key##*/}');
      expect(escapeTerraform('a ${b} %{c} $${d}')).toBe('a $${b} %%{c} $$${d}');
      expect(Object.keys(spec.phases)).toEqual(['install', 'pre_build', 'build']);
    });

    test("installs Terraform only after checking HashiCorp's signature and the checksum", () => {
      const install = spec.phases.install.commands.join('\n');
      expect(install).toContain(`VALIDSIG .* ${HASHICORP_RELEASE_KEY_FINGERPRINT}$`);
      expect(install).toContain('sha256sum -c -');
      expect(install.indexOf('sha256sum -c -')).toBeLessThan(install.indexOf('unzip'));
    });

    test('applies only with TF_COMMAND=apply, and then the plan it just made', () => {
      expect(spec.phases.build.commands.slice(0, 2)).toEqual([
        'if [ "$TF_COMMAND" != bootstrap ]; then terraform -chdir=platform plan -input=false -out=tfplan; fi',
        'if [ "$TF_COMMAND" = apply ]; then terraform -chdir=platform apply -input=false tfplan; fi',
      ]);
    });

    // bash answers, with a stand-in `aws` that copies from a local folder instead of S3.
    function fetchRun(key: string, content: string, command = 'plan') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-'));
      const bin = path.join(dir, 'bin');
      const s3 = path.join(dir, 's3');
      fs.mkdirSync(bin);
      if (key !== '') {
        const stored = path.join(s3, key.replace(/[^A-Za-z0-9./_-]/g, '_'));
        fs.mkdirSync(path.dirname(stored), { recursive: true });
        fs.writeFileSync(stored, content);
      }
      // aws s3 cp s3://<bucket>/<key> <dest>
      fs.writeFileSync(path.join(bin, 'aws'), `#!/bin/bash\ncp "${s3}/\${3#s3://*/}" "$4"\n`, {
        mode: 0o755,
      });
      const script = [spec.phases.pre_build.commands[0], spec.phases.pre_build.commands[1]].join('\n');
      return spawnSync('bash', ['-c', script], {
        cwd: dir,
        env: { PATH: `${bin}:${process.env.PATH}`, SOURCE_KEY: key, TF_COMMAND: command },
        encoding: 'utf8',
      });
    }
    const body = '{"terraform":{}}\n';
    const sha = createHash('sha256').update(body).digest('hex');

    test('fetches a content-addressed key whose file hashes to it', () => {
      expect(fetchRun(`platform-source/${sha}/cdk.tf.json`, body).status).toBe(0);
    });

    test.each([
      ['another content under the key', `platform-source/${sha}/cdk.tf.json`, '{"tampered":true}\n'],
      ['a key that is not content-addressed', 'platform-source/latest/cdk.tf.json', body],
      ['a key outside platform-source/', `jobs/${sha}/cdk.tf.json`, body],
      ['a key with shell characters', `platform-source/${sha}/cdk.tf.json;id`, body],
    ])('refuses %s', (_what, key, content) => {
      expect(fetchRun(key, content).status).not.toBe(0);
    });

    test('refuses an unknown TF_COMMAND and an empty SOURCE_KEY', () => {
      expect(fetchRun(`platform-source/${sha}/cdk.tf.json`, body, 'destroy').status).not.toBe(0);
      expect(fetchRun('', body).status).not.toBe(0);
    });

    test('bootstrap applies the fetched Argo CD root objects with a checked kubectl', () => {
      const bootstrap = spec.phases.build.commands[2];
      expect(bootstrap).toMatch(/sha256sum -c - && install -m 0755 kubectl/);
      expect(bootstrap).toContain('aws eks update-kubeconfig --region us-east-1 --name sqletl-dev');
      expect(bootstrap).toContain(`https://dl.k8s.io/release/v${DEV.eks.version}.0/bin/linux/amd64/kubectl`);
      expect(bootstrap).toContain('kubectl apply --server-side -f bootstrap/');
    });
  });
});
