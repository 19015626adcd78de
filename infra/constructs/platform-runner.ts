import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import {
  bucketArn,
  bucketName,
  clusterName,
  logGroupName,
  partition,
  regionalArn,
  resourcePrefix,
  RUNNER_IMAGE,
  RUNNER_TERRAFORM_VERSION,
  stateKey,
  type EnvironmentConfig,
} from '../../config';
import { ServiceRole } from './iam';

/** Fingerprint of HashiCorp's release signing key (hashicorp.com/security): the checksums must be signed by it. */
export const HASHICORP_RELEASE_KEY_FINGERPRINT = 'C874011F0AB405110D02105534365D9472D7468F';

/** Prefix in the assets bucket of the platform stack's synthesized source, one folder per content hash. */
export const PLATFORM_SOURCE_PREFIX = 'platform-source/';

/**
 * kubectl the bootstrap mode installs: the first release of the cluster's minor version (kubectl supports one minor
 * version of skew either way), checked against the release's published SHA-256.
 */
export function runnerKubectlVersion(env: Pick<EnvironmentConfig, 'eks'>): string {
  return `${env.eks.version}.0`;
}

/** Files of `dist/k8s/<env>/<env>-argocd/` (the root AppProject and Application) the bootstrap mode applies. */
export function argocdBootstrapFiles(env: Pick<EnvironmentConfig, 'name' | 'prefix'>): string[] {
  return [`AppProject.${resourcePrefix(env)}.yaml`, `Application.${resourcePrefix(env)}.yaml`];
}

/** A content-addressed key the runner accepts: `platform-source/<sha256 of the file>/<file name>`. */
export const RUNNER_KEY_PATTERN = `^${'platform-source/'}([0-9a-f]{64})/[A-Za-z0-9._-]+$`;

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
          // `aws eks update-kubeconfig` of the bootstrap mode.
          sid: 'DescribeCluster',
          actions: ['eks:DescribeCluster'],
          resources: [regionalArn(env, 'eks', `cluster/${props.clusterName}`)],
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
      // `${` would be a Terraform interpolation: escaped to `$${`, CodeBuild receives the bash text as written.
      source: { type: 'NO_SOURCE', buildspec: escapeTerraform(runnerBuildspec(env)) },
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
          { name: 'BOOTSTRAP_KEYS', value: '' },
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

/**
 * The build. `TF_COMMAND=plan` (default) or `apply`: fetch `SOURCE_KEY` (the platform stack's `cdk.tf.json`), check it
 * hashes to its key, install the pinned Terraform (signature checked), plan, and apply that plan. `bootstrap`: fetch
 * `BOOTSTRAP_KEYS` (the root AppProject and Application, same checks) and `kubectl apply` them once Argo CD is
 * installed.
 */
export function runnerBuildspec(env: EnvironmentConfig): string {
  const release = `https://releases.hashicorp.com/terraform/${RUNNER_TERRAFORM_VERSION}`;
  const zip = `terraform_${RUNNER_TERRAFORM_VERSION}_linux_amd64.zip`;
  const sums = `terraform_${RUNNER_TERRAFORM_VERSION}_SHA256SUMS`;
  const kubectl = `https://dl.k8s.io/release/v${runnerKubectlVersion(env)}/bin/linux/amd64/kubectl`;
  const bucket = bucketName(env, 'assets');
  // Fetches content-addressed keys into a folder; refuses any other key and any file that does not hash to its key.
  const fetch = (keys: string, dir: string) =>
    `for key in ${keys}; do [[ "$key" =~ ${RUNNER_KEY_PATTERN} ]] || { echo "not a content-addressed key: $key"; exit 1; }; ` +
    `mkdir -p ${dir} && aws s3 cp "s3://${bucket}/$key" "${dir}/\${key##*/}" && ` +
    `test "$(sha256sum "${dir}/\${key##*/}" | cut -d' ' -f1)" = "\${BASH_REMATCH[1]}" || exit 1; done`;
  const notBootstrap = (command: string) => `if [ "$TF_COMMAND" != bootstrap ]; then ${command}; fi`;
  const buildspec = {
    version: 0.2,
    env: { shell: 'bash' },
    phases: {
      install: {
        commands: [
          `curl -fsSLO ${release}/${zip} -O ${release}/${sums} -O ${release}/${sums}.sig`,
          'curl -fsSL https://www.hashicorp.com/.well-known/pgp-key.txt | gpg --batch --import',
          // The checksums must carry a valid signature of HashiCorp's release key (the VALIDSIG line ends with the
          // primary key's fingerprint), and the zip must match them.
          `gpg --batch --status-fd 1 --verify ${sums}.sig ${sums} | grep -E '^\\[GNUPG:\\] VALIDSIG .* ${HASHICORP_RELEASE_KEY_FINGERPRINT}$'`,
          `grep ' ${zip}$' ${sums} | sha256sum -c -`,
          `unzip -o ${zip} terraform -d /usr/local/bin && terraform version`,
        ],
      },
      pre_build: {
        commands: [
          'case "$TF_COMMAND" in plan|apply|bootstrap) ;; *) echo "TF_COMMAND must be plan, apply or bootstrap"; exit 1;; esac',
          notBootstrap(`[ -n "$SOURCE_KEY" ] || exit 1; ${fetch('$SOURCE_KEY', 'platform')}`),
          notBootstrap('terraform -chdir=platform init -input=false'),
        ],
      },
      build: {
        commands: [
          notBootstrap('terraform -chdir=platform plan -input=false -out=tfplan'),
          'if [ "$TF_COMMAND" = apply ]; then terraform -chdir=platform apply -input=false tfplan; fi',
          `if [ "$TF_COMMAND" = bootstrap ]; then [ -n "$BOOTSTRAP_KEYS" ] || exit 1; ${fetch('$BOOTSTRAP_KEYS', 'bootstrap')}; ` +
            `curl -fsSLO ${kubectl} -O ${kubectl}.sha256 && echo "$(cat kubectl.sha256)  kubectl" | sha256sum -c - && ` +
            'install -m 0755 kubectl /usr/local/bin/kubectl && ' +
            `aws eks update-kubeconfig --region ${env.region} --name ${clusterName(env)} && ` +
            'kubectl apply --server-side -f bootstrap/; fi',
        ],
      },
    },
  };
  return stringify(buildspec, { lineWidth: 0 });
}

/** A literal string for Terraform JSON: `${` and `%{` start template sequences there, `$${` and `%%{` do not. */
export function escapeTerraform(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
