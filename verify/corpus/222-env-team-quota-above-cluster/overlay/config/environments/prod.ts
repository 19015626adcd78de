/** Production: three AZs; same documentation account so `make synth` works anywhere. */
export default {
  name: 'prod',
  account: '111122223333',
  region: 'us-east-1',
  prefix: 'sqletl',
  network: { cidr: '10.30.0.0/16', azCount: 3, natGateways: 'perAz' },
  eks: {
    version: '1.35',
    // Private endpoint only; operators reach it from inside the VPC (VPN, bastion or CI runner there).
    publicAccessCidrs: [],
    // Existing role that operators and CI assume; it runs terraform (Helm releases) and Argo CD bootstrap.
    admins: [{ principalArn: 'arn:aws:iam::111122223333:role/platform-admin', access: 'cluster-admin' }],
  },
  tags: { project: 'sql-etl-on-eks', environment: 'prod', 'cost-center': 'data-platform' },
  // Argo CD syncs dist/k8s/<env> of this repository at this revision.
  gitops: { repoUrl: 'https://github.com/example-org/sql-etl-on-eks.git', revision: 'main' },
  // Teams (config/teams.ts): each owns its prefixes and Glue databases, reads what is listed, and gets a share of the
  // Spark job pools. data-platform owns the lake's shared tables (warehouse/, the environment's database).
  teams: [
    {
      name: 'data-platform',
      groups: { members: ['data-platform-members'], engineers: ['data-platform-engineers'] },
      owns: { prefixes: ['warehouse/', 'raw/'], databases: ['sqletl_prod'] },
      quota: { cpu: 240, memoryGiB: 1920, pods: 400, sparkApplications: 40 },
      share: 60,
    },
    {
      name: 'analytics',
      groups: { members: ['analytics-members'], engineers: ['analytics-engineers'] },
      owns: { prefixes: ['teams/analytics/'], databases: ['sqletl_prod_analytics'] },
      // Reads the shared tables and raw data; cannot change them.
      reads: { prefixes: ['warehouse/', 'raw/'], databases: ['sqletl_prod'] },
      quota: { cpu: 5000, memoryGiB: 1280, pods: 250, sparkApplications: 20 },
      share: 40,
    },
  ],
  state: { bucket: 'sqletl-terraform-state-111122223333-us-east-1', keyPrefix: 'sql-etl-on-eks/prod' },
};
