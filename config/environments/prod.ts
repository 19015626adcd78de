import { defineEnvironment } from '../environment';

/** Production: three AZs; same documentation account so `make synth` works anywhere. */
export default defineEnvironment({
  name: 'prod',
  account: '111122223333',
  region: 'us-east-1',
  prefix: 'sqletl',
  network: { cidr: '10.30.0.0/16', azCount: 3, natGateways: 'perAz' },
  eks: { version: '1.35' },
  tags: { project: 'sql-etl-on-eks', environment: 'prod', 'cost-center': 'data-platform' },
  state: { bucket: 'sqletl-terraform-state-111122223333-us-east-1', keyPrefix: 'sql-etl-on-eks/prod' },
});
