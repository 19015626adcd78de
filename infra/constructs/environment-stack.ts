import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformStack, type TerraformElement } from 'cdktf';
import type { Construct, Node } from 'constructs';
import { REQUIRED_TERRAFORM_VERSION, stackName, stateKey, type EnvironmentConfig } from '../../config';

/** Props of every environment stack. */
export interface EnvironmentStackProps {
  /** The validated environment this stack belongs to. */
  readonly env: EnvironmentConfig;
}

/**
 * Base of every stack: one lifecycle unit of one environment, with the AWS provider pinned to the environment's
 * account and region, an explicit S3 backend, and readable, hash-free Terraform addresses.
 */
export abstract class EnvironmentStack extends TerraformStack {
  /** The environment this stack deploys. */
  public readonly env: EnvironmentConfig;
  /** The AWS provider every resource in the stack uses. */
  public readonly provider: AwsProvider;

  protected constructor(scope: Construct, unit: string, props: EnvironmentStackProps) {
    super(scope, stackName(props.env, unit));
    const { env } = props;
    this.env = env;

    // An explicit backend: cdktf's implicit local backend writes an absolute path into the output.
    new S3Backend(this, {
      bucket: env.state.bucket,
      key: stateKey(env, unit),
      region: env.state.region,
      encrypt: true,
    });
    // S3-native state locking (Terraform ≥ 1.10); the cdktf 0.21 backend class predates the argument.
    this.addOverride('terraform.backend.s3.use_lockfile', true);
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);

    this.provider = new AwsProvider(this, 'Aws', {
      region: env.region,
      // Refuse to apply into any other account, whatever credentials the operator happens to hold.
      allowedAccountIds: [env.account],
      defaultTags: [{ tags: { ...env.tags, 'sql-etl-on-eks:environment': env.name } }],
    });
  }

  /**
   * Terraform addresses from the construct path, snake_case, without cdktf's hash suffix: `AssetsBucket/Policy`
   * becomes `assets_bucket_policy`; a child called `Resource` takes its parent's name. Renaming a construct id
   * renames the address, so ids are part of the contract.
   */
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = 'node' in element ? element.node : element;
    const parts = node.scopes
      .slice(node.scopes.indexOf(this) + 1)
      .map((scope) => scope.node.id)
      .filter((id) => id !== 'Resource' && id !== 'Default');
    const id = parts
      .map((p) =>
        p
          .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
          .replace(/[^A-Za-z0-9]+/g, '_')
          .toLowerCase(),
      )
      .join('_');
    if (!/^[a-z][a-z0-9_]*$/.test(id)) {
      throw new Error(
        `construct path '${node.path}' gives the invalid Terraform name '${id}'; use PascalCase ids`,
      );
    }
    return id;
  }
}
