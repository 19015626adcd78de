import { defineEnvironment } from '../environment';

/** Development: one NAT gateway, two AZs, the documentation account so anyone can synthesize it. */
export default defineEnvironment({
  name: 'dev',
  account: '111122223333',
  region: 'us-east-1',
  prefix: 'sqletl',
  network: { cidr: '10.20.0.0/16', azCount: 2, natGateways: 'single' },
  eks: {
    version: '1.35',
    // Private endpoint only; operators reach it from inside the VPC (VPN, bastion or CI runner there).
    publicAccessCidrs: [],
    // Existing role that operators and CI assume; it runs terraform (Helm releases) and Argo CD bootstrap.
    admins: [{ principalArn: 'arn:aws:iam::111122223333:role/platform-admin', access: 'cluster-admin' }],
  },
  tags: { project: 'sql-etl-on-eks', environment: 'dev', 'cost-center': 'data-platform' },
  // Argo CD syncs dist/k8s/<env> of this repository at this revision.
  gitops: { repoUrl: 'https://github.com/example-org/sql-etl-on-eks.git', revision: 'main' },
  // Teams (config/teams.ts): each owns its prefixes and Glue databases, reads what is listed, and gets a share of the
  // Spark job pools. data-platform owns the lake's shared tables (warehouse/, the environment's database).
  teams: [
    {
      name: 'data-platform',
      groups: { members: ['data-platform-members'], engineers: ['data-platform-engineers'] },
      owns: { prefixes: ['warehouse/', 'raw/'], databases: ['sqletl_dev'] },
      quota: { cpu: 64, memoryGiB: 512, pods: 100, sparkApplications: 10 },
      share: 60,
    },
    {
      name: 'analytics',
      groups: { members: ['analytics-members'], engineers: ['analytics-engineers'] },
      owns: { prefixes: ['teams/analytics/'], databases: ['sqletl_dev_analytics'] },
      // Reads the shared tables and raw data; cannot change them.
      reads: { prefixes: ['warehouse/', 'raw/'], databases: ['sqletl_dev'] },
      quota: { cpu: 32, memoryGiB: 256, pods: 60, sparkApplications: 5 },
      share: 40,
    },
  ],
  state: { bucket: 'sqletl-terraform-state-111122223333-us-east-1', keyPrefix: 'sql-etl-on-eks/dev' },
});
