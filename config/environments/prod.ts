import { defineEnvironment } from '../environment';

/** Production: three AZs; same documentation account so `make synth` works anywhere. */
export default defineEnvironment({
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
  state: { bucket: 'sqletl-terraform-state-111122223333-us-east-1', keyPrefix: 'sql-etl-on-eks/prod' },
});
