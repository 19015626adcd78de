import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Construct } from 'constructs';
import {
  bucketArn,
  bucketName,
  logGroupName,
  partition,
  regionalArn,
  resourcePrefix,
  stateKey,
  type EnvironmentConfig,
} from '../../config';
import { ServiceRole } from './iam';

/** Terraform the runner installs (HashiCorp release, verified against HashiCorp's signed checksums). */
export const RUNNER_TERRAFORM_VERSION = '1.13.3';

/** Fingerprint of HashiCorp's release signing key (hashicorp.com/security): the checksums must be signed by it. */
export const HASHICORP_RELEASE_KEY_FINGERPRINT = 'C874011F0AB405110D02105534365D9472D7468F';

/** CodeBuild's curated Amazon Linux 2023 image (AWS CLI v2, curl, gpg, unzip); CodeBuild tags it by major version. */
export const RUNNER_IMAGE = 'aws/codebuild/amazonlinux-x86_64-standard:5.0';

/** Prefix in the assets bucket of the platform stack's synthesized source, one folder per content hash. */
export const PLATFORM_SOURCE_PREFIX = 'platform-source/';

/** Stack units whose state the platform stack reads (its cross-stack references) besides its own. */
export const PLATFORM_READS: readonly string[] = ['cluster', 'edge', 'identity'];

/** Minutes a plan or apply may run (Helm waits for releases to become ready). */
export const RUNNER_TIMEOUT_MINUTES = 60;

/** Days the runner's logs are kept. */
export const RUNNER_LOG_RETENTION_DAYS = 365;

/** The CodeBuild project name: `<prefix>-<env>-platform-apply`. */
export function runnerProjectName(env: Pick<EnvironmentConfig, 'name' | 'prefix'>): string {
  return `${resourcePrefix(env)}-platform-apply`;
}

/** Props of {@link PlatformRunner}. */
export interface PlatformRunnerProps {
  readonly env: EnvironmentConfig;
  /** Name of the EKS cluster (the access entry's cluster). */
  readonly clusterName: string;
  readonly vpcId: string;
  /** Private subnets: the runner reaches the private API endpoint from there, and the internet through NAT. */
  readonly privateSubnetIds: string[];
  /** ARN of the project KMS key (build artifacts, logs, the assets bucket's objects). */
  readonly keyArn: string;
}

/**
 * The way `terraform plan/apply` of the platform stack reaches a cluster whose API endpoint is private: a CodeBuild
 * project in the private subnets, with its own role that has an EKS access entry (cluster admin: the Helm releases
 * install CRDs, cluster roles and webhooks). It runs the platform stack's synthesized `cdk.tf.json` that the assets
 * stack uploaded to `platform-source/<sha256>/cdk.tf.json` (content-addressed; the build checks the hash), with
 * `TF_COMMAND=plan` (default) or `apply`.
 */
export class PlatformRunner extends Construct {
  public readonly project: CodebuildProject;
  public readonly role: ServiceRole;
  public readonly securityGroup: SecurityGroup;
  public readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: PlatformRunnerProps) {
    super(scope, id);
    const { env } = props;
    const name = runnerProjectName(env);
    const projectArn = regionalArn(env, 'codebuild', `project/${name}`);
    const stateArn = `arn:${partition(env)}:s3:::${env.state.bucket}`;
    const ownState = `${stateArn}/${stateKey(env, 'platform')}`;
    const ec2 = (resource: string) => regionalArn(env, 'ec2', resource);

    this.logGroup = new CloudwatchLogGroup(this, 'Logs', {
      name: logGroupName(env, 'platform-apply'),
      retentionInDays: RUNNER_LOG_RETENTION_DAYS,
      kmsKeyId: props.keyArn,
    });

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: `${name}-runner`,
      description: `${name}: HTTPS out (cluster API, AWS endpoints, Terraform and chart registries through NAT)`,
      vpcId: props.vpcId,
    });
    new VpcSecurityGroupEgressRule(this, 'HttpsOut', {
      securityGroupId: this.securityGroup.id,
      description:
        'HTTPS: EKS API and interface endpoints in the VPC; registries and chart repositories via NAT',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });

    this.role = new ServiceRole(this, 'Role', {
      env,
      name: 'platform-runner',
      servicePrincipal: 'codebuild.amazonaws.com',
      trustConditions: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [env.account] },
        { test: 'ArnEquals', variable: 'aws:SourceArn', values: [projectArn] },
      ],
      statements: [
        {
          sid: 'WriteBuildLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${regionalArn(env, 'logs', `log-group:${logGroupName(env, 'platform-apply')}`)}:*`],
        },
        {
          sid: 'ReadPlatformSource',
          actions: ['s3:GetObject'],
          resources: [`${bucketArn(env, 'assets')}/${PLATFORM_SOURCE_PREFIX}*`],
        },
        {
          sid: 'DecryptPlatformSourceThroughS3',
          actions: ['kms:Decrypt'],
          resources: [props.keyArn],
          conditions: [
            { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${env.region}.amazonaws.com`] },
          ],
        },
        {
          sid: 'ListStateKeys',
          actions: ['s3:ListBucket'],
          resources: [stateArn],
          conditions: [
            {
              test: 'StringLike',
              variable: 's3:prefix',
              values: [stateKey(env, 'platform'), ...PLATFORM_READS.map((unit) => stateKey(env, unit))],
            },
          ],
        },
        {
          sid: 'ReadStatesThePlatformReads',
          actions: ['s3:GetObject'],
          resources: PLATFORM_READS.map((unit) => `${stateArn}/${stateKey(env, unit)}`),
        },
        {
          // The platform state and its S3-native lock file (`<key>.tflock`), nothing else.
          sid: 'WritePlatformState',
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [ownState, `${ownState}.tflock`],
        },
        {
          // CodeBuild creates an ENI in the private subnets for each build.
          sid: 'BuildNetworkInterfaces',
          actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'],
          resources: [ec2('network-interface/*'), ec2('subnet/*'), ec2('security-group/*')],
          conditions: [{ test: 'ArnEquals', variable: 'ec2:Vpc', values: [ec2(`vpc/${props.vpcId}`)] }],
        },
        {
          sid: 'BuildNetworkInterfacePermission',
          actions: ['ec2:CreateNetworkInterfacePermission'],
          resources: [ec2('network-interface/*')],
          conditions: [
            { test: 'StringEquals', variable: 'ec2:AuthorizedService', values: ['codebuild.amazonaws.com'] },
            {
              test: 'ArnEquals',
              variable: 'ec2:Subnet',
              values: props.privateSubnetIds.map((s) => ec2(`subnet/${s}`)),
            },
          ],
        },
        {
          // Describe calls have no resource-level permissions (see WILDCARD_RESOURCE_ACTIONS).
          sid: 'DescribeBuildNetwork',
          actions: [
            'ec2:DescribeDhcpOptions',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSecurityGroups',
            'ec2:DescribeSubnets',
            'ec2:DescribeVpcs',
          ],
          resources: ['*'],
        },
      ],
    });

    // The runner's way into the cluster: its own access entry (no shared human role to assume).
    const entry = new EksAccessEntry(this, 'AccessEntry', {
      clusterName: props.clusterName,
      principalArn: this.role.role.arn,
      type: 'STANDARD',
    });
    new EksAccessPolicyAssociation(this, 'AccessPolicy', {
      clusterName: props.clusterName,
      principalArn: this.role.role.arn,
      policyArn: `arn:${partition(env)}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
      accessScope: { type: 'cluster' },
      dependsOn: [entry],
    });

    this.project = new CodebuildProject(this, 'Project', {
      name,
      description: `${resourcePrefix(env)}: terraform plan/apply of the platform stack from inside the VPC`,
      serviceRole: this.role.role.arn,
      encryptionKey: props.keyArn,
      buildTimeout: RUNNER_TIMEOUT_MINUTES,
      queuedTimeout: RUNNER_TIMEOUT_MINUTES,
      // One run at a time: two applies would contend for the state lock anyway.
      concurrentBuildLimit: 1,
      source: { type: 'NO_SOURCE', buildspec: runnerBuildspec(env) },
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: {
        type: 'LINUX_CONTAINER',
        image: RUNNER_IMAGE,
        computeType: 'BUILD_GENERAL1_SMALL',
        imagePullCredentialsType: 'CODEBUILD',
        privilegedMode: false,
        environmentVariable: [
          { name: 'TF_COMMAND', value: 'plan' },
          { name: 'SOURCE_KEY', value: '' },
        ],
      },
      vpcConfig: {
        vpcId: props.vpcId,
        subnets: props.privateSubnetIds,
        securityGroupIds: [this.securityGroup.id],
      },
      logsConfig: {
        cloudwatchLogs: { status: 'ENABLED', groupName: this.logGroup.name },
        s3Logs: { status: 'DISABLED' },
      },
    });
  }
}

/** The build: fetch and check the source, install the pinned Terraform (signature checked), then plan or apply. */
export function runnerBuildspec(env: EnvironmentConfig): string {
  const release = `https://releases.hashicorp.com/terraform/${RUNNER_TERRAFORM_VERSION}`;
  const zip = `terraform_${RUNNER_TERRAFORM_VERSION}_linux_amd64.zip`;
  const sums = `terraform_${RUNNER_TERRAFORM_VERSION}_SHA256SUMS`;
  const lines = [
    'version: 0.2',
    'env:',
    '  shell: bash',
    'phases:',
    '  install:',
    '    commands:',
    `      - curl -fsSLO ${release}/${zip} -O ${release}/${sums} -O ${release}/${sums}.sig`,
    '      - curl -fsSL https://www.hashicorp.com/.well-known/pgp-key.txt | gpg --batch --import',
    // The checksums must carry a valid signature of HashiCorp's release key (the VALIDSIG line ends with the
    // primary key's fingerprint), and the zip must match them.
    `      - gpg --batch --status-fd 1 --verify ${sums}.sig ${sums} | grep -E '^\\[GNUPG:\\] VALIDSIG .* ${HASHICORP_RELEASE_KEY_FINGERPRINT}$'`,
    `      - grep ' ${zip}$' ${sums} | sha256sum -c -`,
    `      - unzip -o ${zip} terraform -d /usr/local/bin && terraform version`,
    '  pre_build:',
    '    commands:',
    // Only the content-addressed keys the assets stack writes, and the file must hash to its key.
    `      - '[[ "$SOURCE_KEY" =~ ^${PLATFORM_SOURCE_PREFIX}([0-9a-f]{64})/cdk\\.tf\\.json$ ]] || { echo "SOURCE_KEY must be the assets stack output platform_source_key"; exit 1; }'`,
    '      - mkdir -p platform && aws s3 cp "s3://' +
      bucketName(env, 'assets') +
      '/$SOURCE_KEY" platform/cdk.tf.json',
    `      - test "$(sha256sum platform/cdk.tf.json | cut -d' ' -f1)" = "$(cut -d/ -f2 <<<"$SOURCE_KEY")"`,
    '      - terraform -chdir=platform init -input=false',
    '  build:',
    '    commands:',
    '      - terraform -chdir=platform plan -input=false -out=tfplan',
    '      - if [ "$TF_COMMAND" = apply ]; then terraform -chdir=platform apply -input=false tfplan; fi',
  ];
  return `${lines.join('\n')}\n`;
}
