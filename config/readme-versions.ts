import {
  ADDON_VERSIONS,
  AMD64_BUILD_IMAGE,
  ARM64_BUILD_IMAGE,
  APP_VERSIONS,
  ARC_IMAGE,
  ATHENA_ENGINE_VERSION,
  CHART_VERSIONS,
  DEFAULT_EKS_VERSION,
  KARPENTER_AMI_ALIAS,
  REQUIRED_TERRAFORM_VERSION,
  RUNNER_IMAGE,
  RUNNER_TERRAFORM_VERSION,
  SUPPORTED_EKS_VERSIONS,
} from './versions';

/**
 * The README's table of platform pins, written by `make pins` (and `make synth`) from config/versions.ts between two
 * markers, so the docs cannot drift from what is deployed. The Spark stack's table above it stays hand-written: each
 * row says where the coordinate was checked, which is prose, not a pin.
 */

/** README.md, relative to the repository root. */
export const README_FILE = 'README.md';
export const VERSIONS_BEGIN =
  '<!-- versions:begin (written by `make pins` from config/versions.ts; do not edit) -->';
export const VERSIONS_END = '<!-- versions:end -->';

/** A Markdown table with every column padded to its widest cell, as Prettier formats it (ASCII cells only). */
function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The generated table: charts with the app each runs, EKS and its add-ons, Terraform, Athena and Arc. */
export function renderVersionsTable(): string {
  const apps: Readonly<Record<string, string>> = APP_VERSIONS;
  const charts = Object.values(CHART_VERSIONS).map((c) => {
    const app = apps[c.chart];
    const runs =
      app === undefined ? c.appVersion : `${app} (image tag values; the chart ships ${c.appVersion})`;
    return [`Helm chart \`${c.chart}\``, `${c.version} from \`${c.repository}\``, runs];
  });
  const eks = SUPPORTED_EKS_VERSIONS.map((v) => [
    `EKS ${v}${v === DEFAULT_EKS_VERSION ? ' (default)' : ''}`,
    'managed add-ons',
    Object.entries(ADDON_VERSIONS[v])
      .map(([name, version]) => `${name} ${version}`)
      .join(', '),
  ]);
  return markdownTable(
    ['what', 'version', 'runs'],
    [
      ...charts,
      ...eks,
      ['Karpenter node AMI', `\`${KARPENTER_AMI_ALIAS}\``, 'EC2NodeClass `amiSelectorTerms`'],
      [
        'Terraform',
        `\`${REQUIRED_TERRAFORM_VERSION}\` (every stack)`,
        `${RUNNER_TERRAFORM_VERSION} in the platform runner`,
      ],
      ['Platform runner image', `\`${RUNNER_IMAGE}\``, 'CodeBuild'],
      [
        'Image build images',
        `\`${AMD64_BUILD_IMAGE}\`, \`${ARM64_BUILD_IMAGE}\``,
        'CodeBuild (amd64, arm64)',
      ],
      ['Athena engine', ATHENA_ENGINE_VERSION, 'the workgroup'],
      ['Arc image', `\`${ARC_IMAGE.image}\``, `Spark ${ARC_IMAGE.spark} (arc-runtime, arc-notebook)`],
    ],
  );
}

/** README.md with the generated table between its markers; throws when the markers are missing. */
export function renderReadmeVersions(readme: string): string {
  const begin = readme.indexOf(VERSIONS_BEGIN);
  const end = readme.indexOf(VERSIONS_END);
  if (begin < 0 || end < begin) {
    throw new Error(
      `${README_FILE}: the markers ${VERSIONS_BEGIN} … ${VERSIONS_END} are missing; restore them`,
    );
  }
  return `${readme.slice(0, begin + VERSIONS_BEGIN.length)}\n\n${renderVersionsTable()}\n\n${readme.slice(end)}`;
}
