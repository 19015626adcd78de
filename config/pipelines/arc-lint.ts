import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintJobFile } from './arc-job-file';
import { lintNotebook } from './arc-notebook';
import { Report, show, type ArcJobInput } from './arc-report';
import {
  ARC_IMAGE_STAGE_TYPES,
  ARC_STAGE_TYPES,
  REMOVED_STAGE_TYPES,
  VIEW_OR_URI,
  requirementText,
} from './arc-stages';
import { isRuntimeParameter } from './runtime-parameters';
import { closest } from './suggest';

export type { ArcJobInput } from './arc-report';

/**
 * Lint of Arc jobs (notebooks and HOCON job files), run by the pipeline loader for every arc job so that `make synth`
 * rejects what Arc would reject at run time, and above all what Arc would silently get wrong: a misspelt magic that
 * turns a quality gate into a plain query, a stage skipped because its `environments` miss the job's environment, a
 * `${ETL_CONF_…}` nothing supplies, a SQL file that is not uploaded.
 *
 * Facts about Arc (4.x and arc-jupyter) the checks rely on:
 * - A notebook job keeps code cells only, trims each and drops one trailing comma. Cells starting with `%sql`,
 *   `%sqlvalidate`, `%log`, `%configexecute`, `%metadatafilter`, `%metadatavalidate` become stages (matched by
 *   prefix, case-insensitively: `%sqlvaildate` becomes an SQLTransform); `%arc` and cells without a magic are stage
 *   objects (HOCON); `%configplugin`/`%lifecycleplugin` are plugins; every other magic is ignored when the job runs.
 * - Magic-line arguments are `key=value` separated by spaces outside double quotes. `environments` is a
 *   comma-separated list (missing: `[""]`, so the stage never runs); `sqlParams=k=v,k2=v2` values that start with
 *   `${` are HOCON substitutions, any other value is quoted verbatim (no substitution); other unknown arguments
 *   become stage attributes.
 * - Stages and plugins whose `environments` do not list `--etl.config.environment` are skipped without a failure.
 * - `${…}` substitutions resolve from the job's `--ETL_CONF_*` arguments; inline SQL of a magic cell is a
 *   triple-quoted string, so `${x}` in it is an Arc SQL parameter that sqlParams must declare.
 * - Every stage type rejects attributes it does not declare; magic-line arguments Arc does not read become such
 *   attributes. A declared sqlParams key the SQL does not use fails the job, and `${x=…}` is no default.
 * - The pinned image runs Arc's core stage types and the Delta Lake plugin 3.1.0's two; other plugin types fail.
 * etl/local/arc-parser.test.ts holds these facts against Arc's own parser on config/pipelines/arc-corpus.
 */

/** Escapes a string for use inside a regular expression. */
function regexText(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The lint of one job file. Its readers (arc-notebook.ts, arc-job-file.ts) report through it and hand it the stage
 * objects and plugins they find.
 */
export class ArcLint {
  readonly report: Report;
  /** `%env` cells and the names they set: Jupyter-only values the job will not have. */
  readonly envCells = new Map<string, number>();
  /** The stages as parsed, for {@link parseArcJob}. */
  readonly stages: ArcStage[] = [];

  constructor(readonly input: ArcJobInput) {
    this.report = new Report(input);
  }

  run(): string[] {
    this.parameterValues();
    const ext = path.extname(this.input.file).toLowerCase();
    if (ext !== '.ipynb') {
      lintJobFile(this);
      return this.report.lines;
    }
    lintNotebook(this);
    // Magic cells are checked before the stage objects are parsed; report in cell order (the sort is stable).
    const cellOf = (line: string) => Number(/^[^:]+: cell (\d+)/.exec(line)?.[1] ?? -1);
    return [...this.report.lines].sort((a, b) => cellOf(a) - cellOf(b));
  }

  /**
   * Arc turns its `--ETL_CONF_*` arguments into JSON and deletes every backslash before parsing it as HOCON: a `"`
   * in a value breaks the job's configuration, a `\` silently disappears from the value.
   */
  private parameterValues(): void {
    for (const [name, value] of Object.entries(this.input.parameters)) {
      const bad = [value.includes('"') ? '"' : '', value.includes('\\') ? '\\' : ''].filter((c) => c !== '');
      if (bad.length === 0) continue;
      this.report.add(
        '(parameters)',
        `parameter ${name}=${show(value)} contains ${bad.map((c) => `'${c}'`).join(' and ')}: Arc deletes every ` +
          'backslash from its --ETL_CONF_ arguments before reading them as HOCON, so a backslash vanishes from the ' +
          'value and a double quote ends the quoted value (the quotes vanish, or the configuration breaks); remove them (for a regular expression or a delimiter, ' +
          'write it in the SQL instead)',
      );
    }
  }

  /**
   * Arc's parameter injection (SQLUtils.injectParameters): every declared key must occur in the SQL as
   * `${key}` (optionally `${key=anything}`), else Arc fails with "No placeholder found"; after replacing them, any
   * `${word}` or `${word=…}` left fails the job ("No replacement value found"). `${x=default}` is therefore not a
   * default: it fails unless x is declared.
   */
  checkSqlPlaceholders(
    where: string,
    label: string,
    sql: string,
    declared: ReadonlyMap<string, string>,
    source: string,
  ): void {
    let rest = sql;
    for (const key of declared.keys()) {
      const placeholder = new RegExp(`[$][{]\\s*${regexText(key)}\\s*(?:=[^}]+)?[}]`, 'g');
      if (!placeholder.test(rest)) {
        this.report.add(
          where,
          `${label}: sqlParams declares ${key}, but ${source} never uses \${${key}}; Arc fails the job on an ` +
            `unused parameter ("No placeholder found"); remove ${key} from sqlParams or use it`,
        );
      }
      rest = rest.replace(placeholder, '');
    }
    const reported = new Set<string>();
    for (const match of rest.matchAll(/[$][{](\w*)(?:=[^}]+)?[}]/g)) {
      const [text, name] = match;
      if (reported.has(text)) continue;
      reported.add(text);
      const line = sql.slice(0, sql.indexOf(text)).split('\n').length;
      if (text.includes('=')) {
        this.report.add(
          where,
          `${label}: ${text} (line ${line} of ${source}) is not a default value in Arc: Arc fails the job unless ` +
            `sqlParams declares ${name}; add sqlParams=${name}=<value>`,
        );
        continue;
      }
      const etl = name.startsWith('ETL_CONF_');
      const param = etl ? name.slice('ETL_CONF_'.length).toLowerCase() : name;
      this.report.add(
        where,
        `${label}: the SQL uses \${${name}} (line ${line} of ${source}), but sqlParams does not declare ${name}; ` +
          (etl
            ? `Arc does not substitute job parameters inside SQL (only Jupyter does), so the job fails; add ` +
              `sqlParams=${param}=\${${name}} and write \${${param}}`
            : `Arc fails the job on it; add sqlParams=${name}=<value or \${ETL_CONF_…}>`),
      );
    }
  }

  /** A `${NAME}` the job uses must be supplied by a parameter or the runtime. */
  checkSupplied(where: string, name: string, optional: boolean, at: string): void {
    if (optional) return;
    const { parameters } = this.input;
    if (name.startsWith('ETL_CONF_')) {
      const bare = name.slice('ETL_CONF_'.length);
      if (bare in parameters || name in parameters || isRuntimeParameter(bare)) return;
      const env = this.envCells.get(name);
      this.report.add(
        where,
        `\${${name}} (${at}) is supplied by nothing: neither the pipeline, the job nor the runtime sets ${bare}; ` +
          `add ${bare}: <value> under the job's or the pipeline's parameters (Arc receives it as --${name}), ` +
          `or write \${?${name}} where it may be missing` +
          (env === undefined
            ? ''
            : ` (the %env in cell ${env} sets it inside Jupyter only; jobs ignore %env)`),
      );
      return;
    }
    const guess = name in parameters || isRuntimeParameter(name) ? `\${ETL_CONF_${name}}` : undefined;
    this.report.add(
      where,
      `\${${name}} (${at}) is not defined in the job, and Arc receives parameters only as ETL_CONF_<NAME>; ` +
        (guess === undefined
          ? `write \${ETL_CONF_<NAME>} for a pipeline, job or runtime parameter`
          : `did you mean ${guess}?`),
    );
  }

  stage(where: string, value: unknown): void {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const type = (value as Record<string, unknown>).type;
      this.stages.push({
        where,
        type: typeof type === 'string' ? type : '',
        attributes: value as Record<string, unknown>,
      });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.report.add(
        where,
        `${show(value)} is not a stage object; a stage is { "type": …, "name": …, "environments": [ … ], … }`,
      );
      return;
    }
    const stage = value as Record<string, unknown>;
    const name = typeof stage.name === 'string' && stage.name.trim() !== '' ? stage.name : undefined;
    const rawType = stage.type;
    if (typeof rawType !== 'string' || rawType === '') {
      this.report.add(
        where,
        `stage ${name === undefined ? '' : `'${name}' `}has no type; set "type" to a stage type such as ` +
          'DelimitedExtract, SQLTransform, SQLValidate or DeltaLakeLoad',
      );
      return;
    }
    // Arc accepts `Name`, `Name:version`, `package.Name` and `package.Name:version`.
    const [className] = rawType.split(':');
    const qualified = className.includes('.');
    const typeName = className.split('.').pop()!;
    const spec = ARC_STAGE_TYPES[typeName];
    const label = `stage ${name === undefined ? '' : `'${name}' `}(${rawType})`;
    if (spec === undefined && !qualified) {
      const guess = closest(typeName, Object.keys(ARC_STAGE_TYPES));
      this.report.add(
        where,
        `type '${rawType}' is not an Arc stage type; ${guess === undefined ? '' : `did you mean '${guess}'? `}` +
          'Arc stops the job on an unknown type (a plugin stage is written with its fully qualified class name)',
      );
    } else if (REMOVED_STAGE_TYPES[typeName] !== undefined) {
      this.report.add(where, `${label}: type ${typeName} ${REMOVED_STAGE_TYPES[typeName]}`);
      return;
    } else if (spec !== undefined && !ARC_IMAGE_STAGE_TYPES.includes(typeName)) {
      this.report.add(
        where,
        `${label}: type ${typeName} needs an Arc plugin that the pinned runtime image (Arc 4.2.0 with the Delta ` +
          'Lake plugin 3.1.0, etl/images/arc-runtime) does not contain, so Arc stops the job ("No plugins found"); ' +
          `use a stage type the image runs (${ARC_IMAGE_STAGE_TYPES.filter((t) => t.endsWith(typeName.replace(/^[A-Z][a-z]+/, ''))).join(', ') || 'see ARC_IMAGE_STAGE_TYPES'}) or the sql/pyspark runtime`,
      );
      return;
    }
    if (name === undefined) {
      this.report.add(where, `${label} has no name; set "name" to what the stage does (Arc's logs show it)`);
    }
    this.stageEnvironments(where, label, stage.environments);
    if (spec === undefined) return;
    for (const requirement of spec.required) {
      const options = typeof requirement === 'string' ? [requirement] : requirement;
      const present = options.filter((key) => stage[key] !== undefined && stage[key] !== null);
      if (present.length === 0) {
        this.report.add(where, `${label} has no ${requirementText(requirement)}; ${typeName} requires it`);
      } else if (present.length > 1 && requirement !== VIEW_OR_URI) {
        this.report.add(
          where,
          `${label} sets ${present.map((k) => `'${k}'`).join(' and ')}; ${typeName} takes only one of them`,
        );
      }
    }
    if (spec.keys !== undefined) {
      for (const key of Object.keys(stage)) {
        if (spec.keys.includes(key)) continue;
        const guess = closest(key, spec.keys, { limit: 2 });
        this.report.add(
          where,
          `${label}: attribute '${key}' is not one ${typeName} declares, and Arc rejects the job on it ` +
            `("Invalid attribute")${guess === undefined ? '; remove it' : `; did you mean '${guess}'?`}`,
        );
      }
    }
    for (const key of ['inputURI', 'schemaURI'] as const) {
      if (key === 'inputURI' && spec.sqlFile !== true) continue;
      if (typeof stage[key] === 'string') this.fileReference(where, label, key, stage[key], stage);
    }
  }

  plugin(where: string, value: unknown, kind: string): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.report.add(
        where,
        `${show(value)} is not a ${kind} plugin object { "type": …, "environments": [ … ] }`,
      );
      return;
    }
    const plugin = value as Record<string, unknown>;
    if (typeof plugin.type !== 'string' || plugin.type === '') {
      this.report.add(where, `${kind} plugin has no type; set "type" to the plugin's class name`);
    }
    this.stageEnvironments(where, `${kind} plugin ${show(plugin.type)}`, plugin.environments);
  }

  private stageEnvironments(where: string, label: string, environments: unknown): void {
    if (environments === undefined) {
      this.report.add(
        where,
        `${label} has no environments, so Arc silently skips it; add "environments": ` +
          `${JSON.stringify(this.input.environments.length > 0 ? this.input.environments : ['production', 'test'])}`,
      );
      return;
    }
    if (!Array.isArray(environments) || !environments.every((e) => typeof e === 'string')) {
      this.report.add(
        where,
        `${label}: environments ${show(environments)} is not a list of names; write "environments": ["production", "test"]`,
      );
      return;
    }
    this.checkEnvironments(where, label, environments, `environments ${JSON.stringify(environments)}`);
  }

  /** Arc skips, without failing, every stage whose environments miss the job's environment. */
  checkEnvironments(where: string, label: string, listed: readonly string[], written: string): void {
    for (const env of this.input.environments) {
      if (listed.includes(env)) continue;
      this.report.add(
        where,
        `${label}: ${written} does not include '${env}', the Arc environment the job runs in ` +
          `(${this.input.environmentReason}), so Arc would silently skip the stage; add '${env}' to the list ` +
          "or set the job's environment: to one the stages list",
      );
    }
  }

  /** A SQL or schema file a stage reads: must be a URI, and an uploaded file when it is a parameter's asset. */
  private fileReference(
    where: string,
    label: string,
    key: string,
    value: string,
    stage: Record<string, unknown>,
  ): void {
    const reference = /^\$\{(ETL_CONF_)?([A-Za-z0-9_]+)\}$/.exec(value);
    if (reference !== null) {
      const bare = reference[2];
      const param = this.input.parameters[bare] ?? this.input.parameters[`ETL_CONF_${bare}`];
      // The loader checks that an asset: parameter names an uploaded file; read it for its SQL parameters.
      if (key !== 'inputURI' || param === undefined || !param.startsWith('asset:')) return;
      const file = path.join(this.input.repoRoot, 'etl', param.slice('asset:'.length));
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return;
      const sqlParams =
        stage.sqlParams !== null && typeof stage.sqlParams === 'object'
          ? new Map(Object.entries(stage.sqlParams as Record<string, string>))
          : new Map<string, string>();
      this.checkSqlPlaceholders(
        where,
        label,
        fs.readFileSync(file, 'utf8'),
        sqlParams,
        `etl/${param.slice(6)}`,
      );
      return;
    }
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) || value.includes('${')) return;
    // No scheme: Arc cannot read it. Suggest uploading the file as an asset parameter.
    const jobDir = path.posix.dirname(this.input.file);
    const candidates = [
      path.posix.normalize(`${jobDir}/${value}`),
      path.posix.normalize(`etl/jobs/${value}`),
    ];
    const found = candidates.find((c) => {
      const absolute = path.join(this.input.repoRoot, c);
      return c.startsWith('etl/jobs/') && fs.existsSync(absolute) && fs.statSync(absolute).isFile();
    });
    const param = key === 'schemaURI' ? 'SCHEMA_FILE' : 'SQL_FILE';
    this.report.add(
      where,
      `${label}: ${key} ${show(value)} is a path, not a URI, and the job runs from an uploaded copy where relative ` +
        `paths point nowhere; ` +
        (found === undefined
          ? `no file ${candidates.filter((c) => c.startsWith('etl/jobs/')).join(' or ')} exists either; add the file under etl/jobs/ and `
          : '') +
        `add ${param}: asset:${(found ?? candidates[0]).replace(/^etl\//, '')} to the job's parameters and write ` +
        `"${key}": \${ETL_CONF_${param}}`,
    );
  }
}

/**
 * The problems of one Arc job (notebook or job file), each `<file>: <cell n | stages[i] | …>: <what, value, fix>
 * (<context>)`; empty when the job is fine.
 */
export function lintArcJob(input: ArcJobInput): string[] {
  return new ArcLint(input).run();
}

/** One stage of an Arc job as Arc builds it: a stage object, or a `%sql`-style cell (then `sql` is its SQL). */
export interface ArcStage {
  /** `cell 3`, `stages[1]`. */
  readonly where: string;
  /** The stage type (`SQLTransform` for a `%sql` cell). */
  readonly type: string;
  /** The object's attributes, or the magic line's arguments; `${…}` substitutions kept as written. */
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly sql?: string;
}

/** The lint's problems and the job's stages in the order Arc runs them (config/pipelines/arc-chain.ts reads them). */
export function parseArcJob(input: ArcJobInput): { problems: string[]; stages: ArcStage[] } {
  const lint = new ArcLint(input);
  const problems = lint.run();
  const order = (where: string) => Number(/(\d+)/.exec(where)?.[1] ?? -1);
  return { problems, stages: [...lint.stages].sort((a, b) => order(a.where) - order(b.where)) };
}
