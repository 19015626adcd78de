import type { ValidateFunction } from 'ajv';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { requireChartDir } from './chart-cache';
import { CACHEABLE_CODE, compileCached } from './compiled-schemas';
import type { ChartValuesModel } from './chart-values';
import { loadChartValuesModel, mergeValues, unknownValueKeys } from './chart-values';
import { formatPath } from './problem';
import { formatAjvErrors } from './schemas';
import { DEFAULT_CACHE_DIR, UpstreamCacheError } from './upstream-cache';

/** One problem with the values of a `helm_release`. */
export interface HelmValuesProblem {
  /** The Terraform address, `helm_release.<name>`. */
  readonly object: string;
  /** What is wrong. */
  readonly message: string;
}

const models = new Map<string, ChartValuesModel>();
const validators = new Map<string, ValidateFunction>();

/**
 * Checks the values of every `helm_release` in a cdktf stack against the released chart it names
 * (`<cache>/charts/<chart>-<version>`, filled by `make cache`): each values document is merged over the chart's
 * defaults and the result validated against the chart's values.schema.json when it ships one (as Helm does before
 * rendering), and every key the documents set must be one the chart defaults, declares in its schema, or reads in a
 * template (Helm ignores any other key without a word, so a misspelt key would silently keep the default).
 */
export function checkHelmValues(stack: unknown, cacheDir: string = DEFAULT_CACHE_DIR): HelmValuesProblem[] {
  const releases = (stack as { resource?: { helm_release?: unknown } } | null)?.resource?.helm_release;
  if (releases === null || typeof releases !== 'object') {
    return [];
  }
  return Object.entries(releases as Record<string, unknown>).flatMap(([name, release]) =>
    checkHelmRelease(`helm_release.${name}`, (release ?? {}) as Record<string, unknown>, cacheDir),
  );
}

/**
 * Checks one `helm_release` (its address and arguments, as the dist/ model holds them) against the released chart it
 * names; see {@link checkHelmValues}.
 */
export function checkHelmRelease(
  object: string,
  release: Readonly<Record<string, unknown>>,
  cacheDir: string = DEFAULT_CACHE_DIR,
): HelmValuesProblem[] {
  const problems: HelmValuesProblem[] = [];
  const { chart, version, values } = release;
  if (typeof chart !== 'string' || typeof version !== 'string') {
    problems.push({ object, message: 'chart and version must be pinned strings' });
    return problems;
  }
  let model: ChartValuesModel;
  let dir: string;
  try {
    dir = requireChartDir(chart, version, cacheDir);
    model = models.get(dir) ?? loadChartValuesModel(dir);
    models.set(dir, model);
  } catch (error) {
    if (error instanceof UpstreamCacheError) {
      problems.push({ object, message: error.message });
      return problems;
    }
    throw error;
  }
  let merged: unknown = model.defaults;
  (Array.isArray(values) ? (values as unknown[]) : []).forEach((text, i) => {
    const where = formatPath(['values', i]);
    if (typeof text !== 'string') {
      problems.push({ object, message: `${where}: a values document must be a YAML string` });
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
    for (const unknown of unknownValueKeys(model, document)) {
      problems.push({ object, message: `${where}.${unknown.path}: ${unknown.message}` });
    }
    merged = mergeValues(merged, document);
  });
  if (model.schema !== undefined) {
    const validate = validators.get(dir) ?? compileSchema(model.schema);
    validators.set(dir, validate);
    if (!validate(merged)) {
      // Unknown keys are reported above, with the templates taken into account and a suggestion.
      const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'additionalProperties');
      for (const message of formatAjvErrors(errors, merged)) {
        problems.push({
          object,
          message: `values merged over ${model.label} defaults, against its values.schema.json: ${message}`,
        });
      }
    }
  }
  return problems;
}

/** The options of the values-schema validators' Ajv instances (part of their cache key). */
const HELM_AJV_OPTIONS = {
  strict: false,
  allErrors: true,
  logger: false,
  code: { optimize: false },
} as const;

function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  // `$schema` is dropped so any draft the chart names compiles with the one Ajv instance.
  const { $schema: _ignored, ...rest } = schema;
  const ajv = new Ajv({ ...HELM_AJV_OPTIONS, code: { ...HELM_AJV_OPTIONS.code, ...CACHEABLE_CODE } });
  addFormats(ajv);
  return compileCached(ajv, rest, JSON.stringify(HELM_AJV_OPTIONS));
}
