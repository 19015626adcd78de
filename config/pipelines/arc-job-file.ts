/**
 * Arc job files (HOCON) and the HOCON of notebook cells: substitutions and includes found by the parser's own
 * tokenizer, then parsed with every `${NAME}` kept visible, so the lint sees what Arc would build.
 */
import type { ArcLint } from './arc-lint';
import { show } from './arc-report';
import { parseHoconSync, type HoconResult } from './hocon-sync';
import { closest } from './suggest';

/** A `${…}` substitution of a HOCON text, found by the parser's tokenizer (so quoted strings are skipped). */
interface Substitution {
  readonly name: string;
  readonly optional: boolean;
  readonly line: number;
}

interface HoconToken {
  readonly type: symbol;
  readonly value: string;
  readonly line: number;
  readonly quoted: boolean;
}

/* eslint-disable @typescript-eslint/no-require-imports -- the parser ships CommonJS without types */
const { Tokenizer } = require('@pushcorn/hocon-parser/lib/core/Tokenizer') as {
  Tokenizer: new () => { tokenize(text: string, strict: boolean): HoconToken[] };
};
const { Token } = require('@pushcorn/hocon-parser/lib/core/Token') as {
  Token: { TYPE: Record<'SUBSTITUTION' | 'VALUE' | 'CLOSE_CURLY', symbol> };
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Substitutions and `include` statements of a HOCON text; undefined when it does not even tokenize. */
function scan(text: string): { substitutions: Substitution[]; includes: number[] } | undefined {
  let tokens: HoconToken[];
  try {
    tokens = new Tokenizer().tokenize(text, true);
  } catch {
    return undefined;
  }
  const substitutions: Substitution[] = [];
  const includes: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.type === Token.TYPE.VALUE && !token.quoted && /^(include|require)$/.test(token.value)) {
      includes.push(token.line);
    }
    if (token.type !== Token.TYPE.SUBSTITUTION) continue;
    const parts: string[] = [];
    let j = i + 1;
    for (; j < tokens.length && tokens[j].type !== Token.TYPE.CLOSE_CURLY; j++) parts.push(tokens[j].value);
    substitutions.push({ name: parts.join('').trim(), optional: token.value === '${?', line: token.line });
    i = j;
  }
  return { substitutions, includes };
}

/** A scope in which every substitution resolves to its own `${NAME}` text, so the stage object keeps it visible. */
function placeholderScope(substitutions: readonly Substitution[]): Record<string, unknown> {
  const scope: Record<string, unknown> = {};
  for (const { name } of substitutions) {
    const keys = name.split('.');
    let node = scope;
    keys.slice(0, -1).forEach((key) => {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    });
    node[keys[keys.length - 1]] ??= `\${${name}}`;
  }
  return scope;
}

/** A HOCON job file: an object with a `stages` list and optional `plugins.config`/`plugins.lifecycle` lists. */
export function lintJobFile(lint: ArcLint): void {
  const [root] = parseHocon(lint, [{ where: '(top level)', text: lint.input.text }]);
  if (root === undefined) return;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    lint.report.add(
      '(top level)',
      'an Arc job file is an object with a stages list; write { "stages": [ … ] }',
    );
    return;
  }
  const doc = root as Record<string, unknown>;
  const stages = doc.stages;
  if (!Array.isArray(stages)) {
    const guess = closest('stages', Object.keys(doc), { limit: 2 });
    lint.report.add(
      'stages',
      `${stages === undefined ? 'missing' : `${show(stages)} is not a list`}; an Arc job file lists its ` +
        `stages under "stages": [ … ]${guess !== undefined && guess !== 'stages' ? ` (found '${guess}')` : ''}`,
    );
  } else {
    stages.forEach((stage, i) => lint.stage(`stages[${i}]`, stage));
  }
  const plugins = doc.plugins as Record<string, unknown> | undefined;
  for (const kind of ['config', 'lifecycle'] as const) {
    const list = plugins?.[kind];
    if (Array.isArray(list)) {
      list.forEach((plugin, i) =>
        lint.plugin(`plugins.${kind}[${i}]`, plugin, kind === 'config' ? 'configuration' : 'lifecycle'),
      );
    }
  }
}

/**
 * Parses HOCON objects (cells or the job file) with every substitution kept as its `${NAME}` text, after checking
 * that each is supplied. Returns undefined for texts with a syntax error (reported).
 */
export function parseHocon(lint: ArcLint, objects: readonly { where: string; text: string }[]): unknown[] {
  const scans = objects.map(({ where, text }) => {
    const found = scan(text);
    if (found === undefined) return undefined;
    for (const line of found.includes) {
      lint.report.add(
        where,
        `line ${line}: include is not supported: Arc reads the job from one uploaded file, so an included ` +
          'file is not there (and an optional include is dropped silently); inline its content',
      );
    }
    return found;
  });
  // A text with an include is not parsed: the parser would read the included file (or URL) from this machine.
  const parseable = objects.flatMap((_, i) => (scans[i]?.includes.length === 0 ? [i] : []));
  const parsed = parseHoconSync(
    parseable.map((i) => ({ text: objects[i].text, scope: placeholderScope(scans[i]!.substitutions) })),
  );
  const results = objects.map((_, i): HoconResult | undefined => {
    const k = parseable.indexOf(i);
    return k < 0 ? undefined : parsed[k];
  });
  return results.map((result, i) => {
    const { where } = objects[i];
    if (scans[i] !== undefined && scans[i].includes.length > 0) return undefined;
    if (result === undefined || !result.ok) {
      const at =
        result?.ok === false && result.line !== undefined
          ? `line ${result.line}, column ${result.column}`
          : '';
      const of = where === '(top level)' ? '' : ' of the cell';
      lint.report.add(
        where,
        `${at === '' ? '' : `${at}${of}: `}HOCON syntax error: ${result?.ok === false ? result.message : 'cannot be read'}; ` +
          (where === '(top level)'
            ? 'check brackets, quotes and commas'
            : 'a cell without a magic holds one stage object { … }; check brackets, quotes and commas, or start ' +
              'the cell with a magic such as %sql'),
      );
      return undefined;
    }
    const root = result.value;
    for (const sub of scans[i]?.substitutions ?? []) {
      const head = sub.name.split('.')[0];
      const defined = where === '(top level)' && root !== null && typeof root === 'object' && head in root;
      if (!defined) lint.checkSupplied(where, sub.name, sub.optional, `line ${sub.line}`);
    }
    return root;
  });
}
