/**
 * The AWS regions an environment may use: the commercial and GovCloud (US) regions, as listed on the AWS Regional
 * Services page and in the EKS endpoints table as of {@link AWS_REGIONS_AS_OF}. EKS is offered in every region
 * listed. China (aws-cn) and the European Sovereign Cloud are separate partitions the kit does not support. When AWS
 * opens a region, add it here (with its date); a typo such as "us-east" or "eu-west-4" then fails at load.
 */
export const AWS_REGIONS_AS_OF = '2026-12-07';

export const AWS_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
] as const;

/** Whether `region` is a region of {@link AWS_REGIONS}. */
export function isAwsRegion(region: string): boolean {
  return (AWS_REGIONS as readonly string[]).includes(region);
}
