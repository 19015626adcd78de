import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { AssetsStack } from './stacks/assets-stack';
import { ClusterStack } from './stacks/cluster-stack';
import { DataStack } from './stacks/data-stack';
import { EdgeStack } from './stacks/edge-stack';
import { FoundationStack } from './stacks/foundation-stack';
import { IdentityStack } from './stacks/identity-stack';
import { NetworkStack } from './stacks/network-stack';
import { PlatformStack } from './stacks/platform-stack';
import { RegistryStack } from './stacks/registry-stack';
import { WorkloadsStack } from './stacks/workloads-stack';

/** The stacks of one environment, in deployment order. */
export interface EnvironmentStacks {
  readonly foundation: FoundationStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly assets: AssetsStack;
  readonly cluster: ClusterStack;
  readonly workloads: WorkloadsStack;
  readonly registry: RegistryStack;
  readonly edge: EdgeStack;
  readonly identity: IdentityStack;
  readonly platform: PlatformStack;
}

/**
 * Creates every stack of one environment in `app` (no synth: main.ts synthesizes, tests inspect). `repoRoot` is
 * where etl/ is read from; it never reaches the output (asset paths are written relative to the stack folder).
 */
export function addEnvironmentStacks(
  app: Construct,
  env: EnvironmentConfig,
  repoRoot: string,
): EnvironmentStacks {
  const foundation = new FoundationStack(app, { env });
  const network = new NetworkStack(app, { env, foundation });
  const data = new DataStack(app, { env, foundation });
  // No deployment ever used the addresses from before the ledger, so there is nothing to forget.
  const assets = new AssetsStack(app, { env, foundation, repoRoot, forgetUnversionedAddresses: false });
  const cluster = new ClusterStack(app, {
    env,
    foundation,
    network: {
      vpcId: network.vpc.id,
      privateSubnetIds: network.privateSubnets.map((subnet) => subnet.id),
      vpcCidr: env.network.cidr,
    },
  });
  const workloads = new WorkloadsStack(app, { env, foundation, cluster: cluster.identity });
  const registry = new RegistryStack(app, { env, foundation });
  // The internal ALB, its target groups and CloudFront: after the cluster (its node security group admits the ALB),
  // before identity (the Cognito clients' callback URLs are the distributions' URLs).
  const edge = new EdgeStack(app, {
    env,
    foundation,
    network: {
      vpcId: network.vpc.id,
      privateSubnetIds: network.privateSubnets.map((subnet) => subnet.id),
    },
    nodeSecurityGroupId: cluster.cluster.vpcConfig.clusterSecurityGroupId,
  });
  const identity = new IdentityStack(app, { env, foundation, uiUrls: edge.uiUrls });
  const platform = new PlatformStack(app, { env, foundation, cluster, workloads, identity, data, repoRoot });
  return { foundation, network, data, assets, cluster, workloads, registry, edge, identity, platform };
}
