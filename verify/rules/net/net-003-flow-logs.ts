import type { ObjectResult, TerraformStackRule } from '../lib/rule';
/** NET-003: every VPC records its traffic. */
export const NET_003: TerraformStackRule = {
  id: 'NET-003',
  info: 'Every VPC has a flow log of ALL traffic in the same stack',
  rationale:
    'Flow logs are the network record for incident response (which pod node talked to which address); they cannot ' +
    'be turned on after the fact for past traffic.',
  appliesTo: 'terraform-stack',
  evaluate(stack) {
    return stack.resources
      .filter((r) => r.type === 'aws_vpc')
      .map((vpc): ObjectResult => {
        const logs = stack.resources.filter(
          (r) =>
            r.type === 'aws_flow_log' &&
            typeof r.values.vpc_id === 'string' &&
            r.values.vpc_id.startsWith(`\${${vpc.address}.`),
        );
        if (logs.length === 0) {
          return { object: vpc.address, status: 'non-compliant', message: 'no aws_flow_log for this VPC' };
        }
        return logs.some((l) => (l.values.traffic_type ?? 'ALL') === 'ALL')
          ? { object: vpc.address, status: 'compliant' }
          : {
              object: vpc.address,
              status: 'non-compliant',
              message: 'the flow log does not record ALL traffic',
            };
      });
  },
};
