export default {
  name: 'dev',
  account: '111122223333',
  region: 'us-east-1',
  prefix: 'sqletl',
  network: {
    cidr: '10.20.0.0/33',
    azCount: 2,
    natGateways: 'single',
  },
  eks: {
    version: '1.35',
    publicAccessCidrs: [],
    admins: [
      {
        principalArn: 'arn:aws:iam::111122223333:role/platform-admin',
        access: 'cluster-admin',
      },
    ],
  },
  tags: {
    project: 'sql-etl-on-eks',
    environment: 'dev',
    'cost-center': 'data-platform',
  },
  gitops: {
    repoUrl: 'https://github.com/example-org/sql-etl-on-eks.git',
    revision: 'main',
  },
  state: {
    bucket: 'sqletl-terraform-state-111122223333-us-east-1',
    keyPrefix: 'sql-etl-on-eks/dev',
  },
};
