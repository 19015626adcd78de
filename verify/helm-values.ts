import type { ValidateFunction } from 'ajv';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import type { UpstreamFile } from '../config/upstream';
import { UPSTREAM_SCHEMAS } from '../config/upstream';
import { formatPath } from './problem';
import { formatAjvErrors } from './schemas';
import { DEFAULT_CACHE_DIR, UpstreamCacheError, readCachedUpstream } from './upstream-cache';

/** A Helm chart whose values schema is pinned, and the chart version that schema belongs to. */
export interface PinnedValuesSchema {
  /** The chart name as a `helm_release` names it. */
  readonly chart: string;
  /** The chart version the schema was read from. */
  readonly version: string;
  /** The pinned schema file. */
  readonly file: UpstreamFile;
}

/** Pinned values schemas, from `UPSTREAM_SCHEMAS` paths of the form `schemas/<chart>-chart-<version>/…`. */
export const PINNED_VALUES_SCHEMAS: readonly PinnedValuesSchema[] = Object.values(UPSTREAM_SCHEMAS).flatMap(
  (file) => {
    const match = /^schemas\/(.+)-chart-([^/]+)\//.exec(file.path);
    return match === null ? [] : [{ chart: match[1], version: match[2], file }];
  },
);

const compiled = new Map<string, ValidateFunction>();

/** One problem with the values of a `helm_release`. */
export interface HelmValuesProblem {
  /** The Terraform address, `helm_release.<name>`. */
  readonly object: string;
  /** What is wrong. */
  readonly message: string;
}

/**
 * Checks the `values` documents of every `helm_release` in a cdktf stack whose chart has a pinned values schema: the
 * release uses the pinned chart version, and each values document fits the schema. The schema's `required` lists
 * describe the values merged with the chart's defaults, which dist/ does not hold, so they are not enforced here;
 * types, enums and unknown keys (a misspelt key Helm would otherwise ignore) are.
 */
export function checkHelmValues(stack: unknown, cacheDir: string = DEFAULT_CACHE_DIR): HelmValuesProblem[] {
  const releases = (stack as { resource?: { helm_release?: unknown } } | null)?.resource?.helm_release;
  if (releases === null || typeof releases !== 'object') {
    return [];
  }
  const problems: HelmValuesProblem[] = [];
  for (const [name, release] of Object.entries(releases as Record<string, unknown>)) {
    const { chart, version, values } = (release ?? {}) as {
      chart?: unknown;
      version?: unknown;
      values?: unknown;
    };
    const pinned = PINNED_VALUES_SCHEMAS.find((schema) => schema.chart === chart);
    if (pinned === undefined) {
      continue;
    }
    const object = `helm_release.${name}`;
    if (version !== pinned.version) {
      problems.push({
        object,
        message:
          `version: chart ${pinned.chart} ${String(version)} is not the version whose values schema is pinned ` +
          `(${pinned.version}); pin the chart and config/upstream.ts together`,
      });
    }
    let validate: ValidateFunction;
    try {
      validate = valuesValidator(pinned.file, cacheDir);
    } catch (error) {
      if (error instanceof UpstreamCacheError) {
        problems.push({ object, message: `values schema unavailable: ${error.message}` });
        continue;
      }
      throw error;
    }
    (Array.isArray(values) ? (values as unknown[]) : []).forEach((text, i) => {
      const where = formatPath(['values', i]);
      if (typeof text !== 'string') {
        return;
      }
      let document: unknown;
      try {
        document = parseYaml(text);
      } catch (error) {
        problems.push({
          object,
          message: `${where}: not valid YAML: ${(error as Error).message.split('\n')[0]}`,
        });
        return;
      }
      if (document !== null && !validate(document)) {
        for (const message of formatAjvErrors(validate.errors ?? [], document)) {
          problems.push({ object, message: `${where}: ${message}` });
        }
      }
    });
  }
  return problems;
}

function valuesValidator(file: UpstreamFile, cacheDir: string): ValidateFunction {
  const key = `${cacheDir}#${file.path}`;
  const cached = compiled.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const schema = withoutRequired(parseYaml(readCachedUpstream(file.path, cacheDir)));
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, code: { optimize: false } });
  addFormats(ajv);
  const validate = ajv.compile(schema as object);
  compiled.set(key, validate);
  return validate;
}

/** The schema without `required` keywords (see {@link checkHelmValues}); `$schema` is dropped so any draft compiles. */
function withoutRequired(node: unknown): unknown {
  if (Array.isArray(node)) {
    return node.map(withoutRequired);
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([key, value]) => !(key === 'required' && Array.isArray(value)) && key !== '$schema')
      .map(([key, value]) => [key, withoutRequired(value)]),
  );
}
