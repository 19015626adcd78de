/**
 * Arc notebooks (`.ipynb` jobs) read as Arc's notebook reader reads them: the notebook JSON, its code cells, the magic
 * lines' arguments (Arc's own argument parser) and the `%sql`-style cells that become stages.
 */
import type { ArcLint } from './arc-lint';
import { parseHocon } from './arc-job-file';
import { show } from './arc-report';
import { ARC_MAGICS, ARC_STAGE_TYPES, MAGIC_CONTROL_ARGS, STAGE_PREFIXES } from './arc-stages';
import { closest } from './suggest';

/**
 * Arc's magic-line parser (ConfigUtils.parseArgs of Arc 4.2.0, the same in 3.7.0): the line is split on whitespace
 * that is followed by an even number of double quotes up to the end of the line with no single quote outside them,
 * tokens starting with `%` are dropped, each other token is split on its first single `=` (not at the end), and a
 * pair's value loses one leading and one trailing double quote and is trimmed. So a `'` outside double quotes
 * glues everything before it into the `%magic` token, and those arguments are lost.
 */
export function magicArguments(line: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const token of line.split(/\s(?=(?:[^"']*"[^"]*")*[^"']*$)/)) {
    if (token.startsWith('%')) continue;
    const pair = splitPair(token);
    if (pair === undefined) continue;
    args[pair[0]] = pair[1].replace(/^"/, '').replace(/"$/, '').trim();
  }
  return args;
}

/** Arc's `split("=(?!=)(?!$)", 2)`: at the first `=` not followed by `=` and not at the end. */
function splitPair(token: string): [string, string] | undefined {
  const eq = token.search(/=(?!=)(?!$)/);
  return eq < 0 ? undefined : [token.slice(0, eq), token.slice(eq + 1)];
}

/** Arc's `sqlParams` reading: parseArgs over the value with commas turned into spaces. */
function sqlParamPairs(value: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const token of value.replace(/,/g, ' ').split(/\s(?=(?:[^"']*"[^"]*")*[^"']*$)/)) {
    if (token.startsWith('%')) continue;
    const pair = splitPair(token);
    if (pair !== undefined) pairs.push(pair);
  }
  return pairs;
}

/**
 * A notebook job as Arc's notebook reader runs it: code cells only, each trimmed and without one trailing comma;
 * magic cells become stages (checked here), cells without a magic and `%arc` cells are stage objects, and
 * `%configplugin`/`%lifecycleplugin` cells are plugins (checked by the driver, arc-lint.ts).
 */
export function lintNotebook(lint: ArcLint): void {
  let notebook: unknown;
  try {
    notebook = JSON.parse(lint.input.text);
  } catch (error) {
    lint.report.add(
      '(top level)',
      `is not valid notebook JSON (${error instanceof Error ? error.message : String(error)}); ` +
        'save it again from Jupyter, or fix the JSON',
    );
    return;
  }
  const cells = (notebook as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) {
    lint.report.add('cells', 'missing; a notebook needs a cells list (save it again from Jupyter)');
    return;
  }
  const code = cells
    .map((cell: unknown, index) => ({ cell: cell as { cell_type?: unknown; source?: unknown }, index }))
    .filter(({ cell }) => cell?.cell_type === 'code')
    .map(({ cell, index }) => ({
      index,
      // Arc: source lines joined, trimmed, one trailing comma dropped.
      text: (Array.isArray(cell.source)
        ? cell.source.join('')
        : typeof cell.source === 'string'
          ? cell.source
          : ''
      )
        .trim()
        .replace(/,$/, ''),
    }))
    .filter(({ text }) => text !== '');
  if (code.length === 0) return;
  const kernel = (notebook as { metadata?: { kernelspec?: { name?: unknown } } }).metadata?.kernelspec?.name;
  if (kernel !== 'arc') {
    lint.report.add(
      'metadata.kernelspec.name',
      `${show(kernel)}: Arc runs only notebooks of its own kernel ('arc') and rejects this one; ` +
        'create the notebook with the Arc kernel in JupyterHub (or set metadata.kernelspec.name to arc)',
    );
    return;
  }
  for (const { index, text } of code) {
    const first = text.split('\n')[0];
    if (first.startsWith('%') && first.trim().toLowerCase().startsWith('%env')) {
      for (const name of Object.keys(magicArguments(text.replace(/\n/g, ' '))))
        lint.envCells.set(name, index);
    }
  }
  const objects: { where: string; text: string; magic?: string }[] = [];
  for (const { index, text } of code) {
    const where = `cell ${index}`;
    const [first, ...rest] = text.split('\n');
    if (!first.startsWith('%')) {
      objects.push({ where, text });
      continue;
    }
    const magic = first.split(/\s/)[0];
    const lower = magic.toLowerCase();
    const known = ARC_MAGICS[lower];
    if (known === undefined) {
      unknownMagic(lint, where, magic);
      continue;
    }
    if (lower === '%arc') objects.push({ where, text: rest.join('\n'), magic });
    else if (lower === '%configplugin' || lower === '%lifecycleplugin') {
      objects.push({ where, text: `[${rest.join('\n')}]`, magic });
    } else if (known.stage !== undefined) magicStage(lint, where, magic, known.stage, first, rest.join('\n'));
  }
  const parsed = parseHocon(lint, objects);
  parsed.forEach((value, i) => {
    const { where, magic } = objects[i];
    if (value === undefined) return;
    if (magic !== undefined && magic.toLowerCase() !== '%arc') {
      const kind = magic.toLowerCase() === '%configplugin' ? 'configuration' : 'lifecycle';
      (Array.isArray(value) ? value : [value]).forEach((plugin, k) =>
        lint.plugin(`${where} (${magic} plugin ${k})`, plugin, kind),
      );
    } else {
      lint.stage(where, value);
    }
  });
}

/** A magic arc-jupyter does not know, with what Arc would make of the cell. */
function unknownMagic(lint: ArcLint, where: string, magic: string): void {
  const guess = closest(magic, Object.keys(ARC_MAGICS));
  const lower = magic.toLowerCase();
  const runsAs = STAGE_PREFIXES.find(([prefix]) => lower.startsWith(prefix));
  const effect =
    runsAs === undefined
      ? lower.startsWith('%arc')
        ? 'Arc would read the cell as a stage object'
        : 'Arc would ignore the cell when the job runs'
      : runsAs[1] === 'SQLTransform'
        ? 'Arc would run the cell as plain SQL and never fail on it'
        : `Arc would run the cell as a ${runsAs[1]} stage`;
  lint.report.add(
    where,
    `magic '${magic}' is unknown; ${guess === undefined ? '' : `did you mean '${guess}'? `}${effect} ` +
      `(known magics: ${Object.keys(ARC_MAGICS).join(', ')})`,
  );
}

/** A `%sql`-style cell: checks the magic line and the inline SQL as Arc's notebook reader builds the stage. */
function magicStage(
  lint: ArcLint,
  where: string,
  magic: string,
  type: string,
  line: string,
  sql: string,
): void {
  const args = magicArguments(line);
  lint.stages.push({ where, type, attributes: args, sql });
  const name = args.name ?? `notebook ${where}`;
  const label = `${magic} stage '${name}'`;
  if (/'/.test(line.replace(/"[^"]*"/g, '')) && Object.keys(args).length < line.split(/\s+/).length - 1) {
    lint.report.add(
      where,
      `${label}: the magic line has a single quote (') outside double quotes, so Arc's argument parser glues ` +
        'the arguments before it to the magic and drops them (name, environments, sqlParams, outputView are ' +
        'lost and the stage is skipped or fails); remove the quote or put that value in double quotes',
    );
  }
  if (args.environments === undefined) {
    lint.report.add(
      where,
      `${label} has no environments= argument, so Arc gives it environments [""] and silently skips it; ` +
        `add environments=${lint.input.environments.length > 0 ? lint.input.environments.join(',') : 'production,test'} to the magic line`,
    );
  } else {
    lint.checkEnvironments(where, label, args.environments.split(','), `environments=${args.environments}`);
  }
  const spec = ARC_STAGE_TYPES[type];
  if (spec.required.includes('outputView') && (args.outputView ?? '') === '') {
    lint.report.add(
      where,
      `${label} has no outputView= argument; ${type} must name the view it creates: add outputView=<view> ` +
        'to the magic line',
    );
  }
  if (sql.trim() === '') {
    lint.report.add(where, `${label} has no SQL after the magic line; write the statement below it`);
  }
  // Other arguments become stage attributes (quoted strings), which the stage type must declare.
  for (const key of Object.keys(args)) {
    if (MAGIC_CONTROL_ARGS.includes(key) || (spec.keys?.includes(key) ?? false)) continue;
    const guess = closest(key, [...MAGIC_CONTROL_ARGS, ...(spec.keys ?? [])], { limit: 2 });
    lint.report.add(
      where,
      `${label}: argument '${key}' is not one Arc reads from a magic line, so Arc passes it on as a stage ` +
        `attribute "${key}", which ${type} does not have: Arc rejects the job` +
        (guess === undefined ? '; remove it' : `; did you mean '${guess}'?`),
    );
  }
  const declared = new Map<string, string>();
  for (const piece of (args.sqlParams ?? '').split(',').filter((p) => p !== '')) {
    if (splitPair(piece) === undefined) {
      lint.report.add(
        where,
        `${label}: sqlParams entry ${show(piece)} is not key=value, so Arc drops it; write ` +
          'sqlParams=key=value,key2=value2',
      );
    }
  }
  for (const [key, value] of sqlParamPairs(args.sqlParams ?? '')) {
    declared.set(key, value);
    const reference = /^\$\{(\??)([^}]*)\}$/.exec(value.trim());
    if (reference !== null) {
      lint.checkSupplied(where, reference[2], reference[1] === '?', `sqlParams ${key}=${value}`);
    } else if (value.includes('${')) {
      lint.report.add(
        where,
        `${label}: sqlParams ${key}=${value} is quoted verbatim by Arc, so ${'${…}'} in it is never ` +
          `substituted; make the value a single reference, e.g. ${key}=\${ETL_CONF_NAME}, and build the rest in SQL`,
      );
    }
  }
  lint.checkSqlPlaceholders(where, label, sql, declared, 'the cell');
}
