import type { BucketPurpose } from '../../../config';
import { text } from './values';
import type { TerraformResource, TerraformStack } from '../../dist';

/** The bucket a bucket-level resource (`aws_s3_bucket_*`) configures. */
export interface BucketTarget {
  /** Address of the `aws_s3_bucket` of this stack it references, when it references one. */
  readonly address?: string;
  /** The physical bucket name, when known (literal, or the referenced bucket's `bucket`). */
  readonly name?: string;
  /** What the bucket is for, from its physical name or its address. */
  readonly purpose?: BucketPurpose;
}

const PURPOSES: readonly BucketPurpose[] = ['athena-results', 'datalake', 'assets', 'logs'];

/**
 * The purpose of a bucket from its physical name (config/naming.ts bucketName: `<prefix>-<env>-<purpose>-<account>-
 * <region>`) or, for a bucket whose name is not the kit's (an existing data lake), from its Terraform name.
 */
export function bucketPurpose(
  name: string | undefined,
  address: string | undefined,
): BucketPurpose | undefined {
  if (name !== undefined) {
    const byName = PURPOSES.find((p) => new RegExp(`-${p}-\\d{12}-[a-z0-9-]+$`).test(name));
    if (byName !== undefined) return byName;
  }
  const resourceName = address?.slice(address.indexOf('.') + 1);
  return PURPOSES.find((p) => resourceName?.startsWith(`${p.replace('-', '_')}_`) === true);
}

/** The bucket the resource's `bucket` argument names. */
export function bucketTarget(resource: TerraformResource): BucketTarget {
  return bucketOfValue(resource.values.bucket, resource);
}

/** The bucket a `bucket`-like value names: a reference to an aws_s3_bucket of the stack, or a literal name. */
export function bucketOfValue(value: unknown, resource: Pick<TerraformResource, 'lookup'>): BucketTarget {
  const reference = resource.lookup.reference(value);
  if (reference !== undefined && reference.mode === 'resource' && reference.type === 'aws_s3_bucket') {
    const address = `aws_s3_bucket.${reference.name}`;
    const name = text(reference.values.bucket);
    return { address, ...(name === undefined ? {} : { name }), purpose: bucketPurpose(name, address) };
  }
  const name = typeof value === 'string' && !value.includes('${') ? value : undefined;
  return name === undefined ? {} : { name, purpose: bucketPurpose(name, undefined) };
}

/** The stack's resources of one type that configure the given bucket (by reference or by its literal name). */
export function companionsOf(
  stack: TerraformStack,
  bucket: TerraformResource,
  type: string,
): TerraformResource[] {
  const name = text(bucket.values.bucket);
  return stack.resources.filter((r) => {
    if (r.type !== type) return false;
    const target = bucketTarget(r);
    return target.address === bucket.address || (name !== undefined && target.name === name);
  });
}
