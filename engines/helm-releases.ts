import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIST_PATHS } from '../config';

/** One `helm_release` of a synthesized stack, with its values ready for `helm template`. */
export interface HelmRelease {
  /** The environment: the stack folder's name up to its first `-` (`dev-platform` → `dev`). */
  readonly env: string;
  /** The stack file, relative to the repository (`dist/terraform/stacks/dev-platform/cdk.tf.json`). */
  readonly file: string;
  /** The Terraform address, `helm_release.<key>`. */
  readonly address: string;
  /** The release name Helm installs it as. */
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly version: string;
  /** Whether Helm installs the chart's crds/ (the provider's `skip_crds` is false). */
  readonly includeCrds: boolean;
  /** The values documents in order, each with every Terraform interpolation replaced by a sample. */
  readonly values: readonly string[];
  /** Each replaced interpolation and the sample put in its place, for the log. */
  readonly substitutions: readonly { readonly expression: string; readonly sample: string }[];
}

/**
 * Samples for the Terraform interpolations the values may hold: values known only at apply time, read from another
 * stack's outputs. Each sample has the shape of the real value (an https URL where a URL goes, a VPC id where a VPC
 * id goes), so a chart that validates or parses it renders as it would in a deployment. The output's name decides;
 * an interpolation no entry matches is an error, so a new one gets a deliberate sample here rather than a guess.
 */
const SAMPLES: readonly { readonly match: RegExp; readonly sample: (output: string) => string }[] = [
  { match: /_url$/, sample: (o) => `https://${o.replace(/_url$/, '').replace(/_/g, '-')}.sample.invalid` },
  // A CloudFront distribution's host name (the values put `https://` before it).
  {
    match: /_domain_name$/,
    sample: (o) =>
      `${o
        .replace(/^.*_distribution_/, '')
        .replace(/_domain_name$/, '')
        .replace(/_/g, '-')}.sample.invalid`,
  },
  { match: /user_pool_endpoint$/, sample: () => 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Sample0000' },
  { match: /vpc_id$/, sample: () => 'vpc-0123456789abcdef0' },
  { match: /_arn$/, sample: () => 'arn:aws:iam::111122223333:role/sample' },
];

const INTERPOLATION = /\$\{([^{}]*)\}/g;

/** Replaces each `${…}` of a values document by its sample; throws naming the release for one without a sample. */
export function substituteInterpolations(
  text: string,
  where: string,
): { text: string; substitutions: { expression: string; sample: string }[] } {
  const substitutions: { expression: string; sample: string }[] = [];
  const out = text.replace(INTERPOLATION, (whole, expression: string) => {
    const output = expression.split('.').pop() ?? expression;
    const rule = SAMPLES.find((s) => s.match.test(output));
    if (rule === undefined) {
      throw new Error(
        `${where}: no sample for the Terraform interpolation ${whole}; add one for outputs named like ` +
          `'${output}' to SAMPLES in engines/helm-releases.ts`,
      );
    }
    const sample = rule.sample(output);
    substitutions.push({ expression: whole, sample });
    return sample;
  });
  return { text: out, substitutions };
}

/** Every `helm_release` of `<distDir>/terraform/stacks/<stack>/cdk.tf.json`, sorted by environment and address. */
export function loadHelmReleases(distDir: string, repoRoot: string): HelmRelease[] {
  const stacksDir = path.join(distDir, DIST_PATHS.terraformStacks);
  const releases: HelmRelease[] = [];
  for (const stack of fs.readdirSync(stacksDir).sort()) {
    const file = path.join(stacksDir, stack, 'cdk.tf.json');
    if (!fs.existsSync(file)) {
      continue;
    }
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      resource?: { helm_release?: Record<string, Record<string, unknown>> };
    };
    const relFile = path.relative(repoRoot, file).split(path.sep).join('/');
    for (const [key, release] of Object.entries(json.resource?.helm_release ?? {}).sort()) {
      const address = `helm_release.${key}`;
      const where = `${relFile} ${address}`;
      const { name, namespace, chart, version } = release;
      for (const [field, value] of Object.entries({ name, namespace, chart, version })) {
        if (typeof value !== 'string' || value === '' || value.includes('${')) {
          throw new Error(`${where}: ${field} must be a literal string to render the release offline`);
        }
      }
      const substitutions: { expression: string; sample: string }[] = [];
      const values = (Array.isArray(release.values) ? (release.values as unknown[]) : []).map((doc, i) => {
        if (typeof doc !== 'string') {
          throw new Error(`${where}: values[${i}] must be a YAML string`);
        }
        const result = substituteInterpolations(doc, `${where} values[${i}]`);
        substitutions.push(...result.substitutions);
        return result.text;
      });
      releases.push({
        env: stack.split('-')[0],
        file: relFile,
        address,
        name: name as string,
        namespace: namespace as string,
        chart: chart as string,
        version: version as string,
        includeCrds: release.skip_crds !== true,
        values,
        substitutions,
      });
    }
  }
  return releases;
}
