import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParserRuleContext, Token } from 'antlr4ng';
// The package index loads all eight dialects (about five times the start-up time of `make synth`'s check); the
// Spark parser alone is what we need.
import { SparkSQL } from 'dt-sql-parser/dist/parser/spark';
import { SparkSqlLexer as Lexer } from 'dt-sql-parser/dist/lib/spark/SparkSqlLexer';
import type { DatasetAddress } from './model';
import { closest } from './suggest';

/**
 * The SQL compile step of `make synth`: every SQL text a job runs (a `.sql` file of a sql job, the inline SQL of an
 * Arc `%sql`/`%sqlvalidate` cell) is parsed with dt-sql-parser's Spark SQL grammar after `${NAME}` substitution with
 * the values the job will have, and the datasets each statement reads and writes are collected for lineage.
 *
 * Positions in messages are those of the ORIGINAL text: substitutions (and the few rewrites below) are recorded and
 * mapped back, and an error inside a substituted value points at its `${NAME}`.
 *
 * Where the grammar and Spark disagree, the disagreement is handled here and tested (sql-compile.test.ts shows the
 * library failing on each):
 * - `TEMP` is Spark's synonym of `TEMPORARY` (`CREATE TEMP VIEW`); the grammar knows only `TEMPORARY`, so it is
 *   rewritten before parsing.
 * - Delta Lake's SQL extension (VACUUM, RESTORE, DESCRIBE HISTORY/DETAIL, CONVERT TO DELTA, GENERATE, OPTIMIZE with a
 *   ZORDER list) is parsed by Delta's own parser at run time; those statements are not checked against the grammar.
 * - `EXECUTE IMMEDIATE` (Spark 4) runs SQL built at run time: it is dynamic SQL, not checked, and has no lineage.
 */

/** What one statement reads and writes, after resolving the job's own temporary views. */
export interface StatementLineage {
  /** 1-based line of the statement in the original text. */
  readonly line: number;
  /** The statement's first words, for messages ("MERGE INTO delta.`…`"). */
  readonly summary: string;
  readonly reads: readonly DatasetAddress[];
  readonly writes: readonly DatasetAddress[];
  /** True when what the statement reads or writes is only known at run time. */
  readonly dynamic: boolean;
}

/** Temporary views of one Spark session (a job): name (lower case) → the datasets behind it. */
export type ViewScope = Map<string, readonly DatasetAddress[]>;

/** The result of compiling one SQL text. */
export interface CompiledSql {
  /** `line L, column C: …` problems, in the original text's positions; empty when the text is valid. */
  readonly problems: readonly string[];
  readonly statements: readonly StatementLineage[];
}

/** One SQL text to compile. */
export interface SqlText {
  /** The original text (as written in the file or cell). */
  readonly text: string;
  /** `${NAME}` values: parameters and runtime values, as the job will see them. */
  readonly values: Readonly<Record<string, string>>;
  /** Temporary views created before this text in the same session; updated with the views this text creates. */
  readonly views?: ViewScope;
  /**
   * What a `${NAME}` nothing supplies is called in messages and how to fix it; absent: such names are left alone
   * (the caller reports them).
   */
  readonly unknownParameterHint?: (name: string, suggestion: string | undefined) => string;
}

/** File formats Spark reads and writes with the `format.\`path\`` syntax. */
const PATH_FORMATS = ['delta', 'parquet', 'csv', 'json', 'orc', 'text', 'avro', 'binaryfile', 'xml'];

/** Leading words of statements the grammar does not cover (see the module comment). */
const DELTA_EXTENSION =
  /^\s*(VACUUM|RESTORE|GENERATE|FSCK|CONVERT\s+TO\s+DELTA|DESCRIBE\s+(HISTORY|DETAIL)|OPTIMIZE)\b/i;
const DYNAMIC = /^\s*EXECUTE\s+IMMEDIATE\b/i;

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One replaced span: `[from, to)` of the original became `[newFrom, newTo)` of the parsed text. */
interface Span {
  readonly from: number;
  readonly to: number;
  readonly newFrom: number;
  readonly newTo: number;
  /** The parameter whose value this is (absent for rewrites). */
  readonly name?: string;
}

/** The text the parser sees, and how to map its offsets back. */
export class Substitution {
  readonly text: string;
  readonly unknown: { name: string; offset: number }[] = [];
  /** `${a.b}` / `${hivevar:x}`: Spark's own variables, resolved at run time only. */
  readonly sparkVariables: number[] = [];
  private readonly spans: Span[] = [];

  constructor(
    readonly original: string,
    values: Readonly<Record<string, string>>,
  ) {
    let out = '';
    let last = 0;
    const replace = (from: number, to: number, value: string, name?: string) => {
      out += original.slice(last, from);
      this.spans.push({ from, to, newFrom: out.length, newTo: out.length + value.length, name });
      out += value;
      last = to;
    };
    for (const match of original.matchAll(PLACEHOLDER)) {
      const name = match[1];
      const from = match.index;
      const to = from + match[0].length;
      if (PARAMETER_NAME.test(name)) {
        const value = values[name];
        if (value === undefined) {
          this.unknown.push({ name, offset: from });
          // A neutral stand-in keeps the rest of the text checkable.
          replace(from, to, 'unknown_parameter', name);
        } else {
          replace(from, to, value, name);
        }
      } else {
        this.sparkVariables.push(from);
        replace(from, to, 'spark_variable', name);
      }
    }
    out += original.slice(last);
    this.text = out;
  }

  /** The original offset of an offset of {@link text}, and the parameter it falls into, if any. */
  toOriginal(offset: number): { offset: number; name?: string } {
    let shift = 0;
    for (const span of this.spans) {
      if (offset < span.newFrom) break;
      if (offset < span.newTo) return { offset: span.from, name: span.name };
      shift = span.to - span.newTo;
    }
    return { offset: offset + shift };
  }
}

/** 1-based line and column of an offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function show(text: string, max = 60): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

let parser: SparkSQL | undefined;

function sparkParser(): SparkSQL {
  parser ??= new SparkSQL();
  return parser;
}

/** The statements of a text: offsets into it, split at `;` tokens outside strings and comments. */
interface Piece {
  readonly from: number;
  readonly to: number;
}

/** Lexes `text`: statement pieces, and the lexer's first error (an unterminated string or comment). */
function split(text: string): { pieces: Piece[]; error?: { offset: number; message: string } } {
  const parser = sparkParser();
  let error: { offset: number; message: string } | undefined;
  const lines = text.split('\n');
  const offsetOf = (line: number, column: number) =>
    lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  const lexer = parser.createLexer(text, (e) => {
    error ??= { offset: offsetOf(e.startLine, e.startColumn), message: e.message };
  });
  const tokens: Token[] = lexer.getAllTokens();
  const pieces: Piece[] = [];
  let start: number | undefined;
  let end = 0;
  for (const token of tokens) {
    // The grammar's lexer turns an unclosed quote into an UNRECOGNIZED token and an unclosed comment into a comment.
    const quote = token.text?.[0] ?? '';
    if (error === undefined && token.type === Lexer.UNRECOGNIZED && `'"\``.includes(quote) && quote !== '') {
      const what = quote === '`' ? 'quoted name (`…`)' : `string (${quote}…${quote})`;
      // The lexer pairs quotes from the start, so the quote left over at the end is rarely the one not closed: a
      // string that runs over several lines before it points at the real culprit.
      const runaway = tokens.find(
        (t) =>
          t.start < token.start &&
          (t.type === Lexer.STRING_LITERAL || t.type === Lexer.DOUBLEQUOTED_STRING) &&
          t.text!.includes('\n'),
      );
      error =
        runaway === undefined
          ? { offset: token.start, message: `unterminated ${what}: close it with ${quote}` }
          : {
              offset: runaway.start,
              message:
                `unterminated string: the string starting here runs over ${runaway.text!.split('\n').length} lines ` +
                `and the quotes after it no longer pair up; close it with ${runaway.text![0]}`,
            };
    }
    if (error === undefined && token.type === Lexer.BRACKETED_COMMENT && !token.text!.endsWith('*/')) {
      error = { offset: token.start, message: 'unterminated comment: close it with */' };
    }
    if (token.type === Lexer.SEMICOLON) {
      if (start !== undefined) pieces.push({ from: start, to: end });
      start = undefined;
      continue;
    }
    // Comments and white space are on hidden channels.
    if (token.channel !== 0) continue;
    start ??= token.start;
    end = token.stop + 1;
  }
  if (start !== undefined) pieces.push({ from: start, to: end });
  return { pieces, error };
}

function lexerProblem(message: string, near: string): string {
  return `${message} (near '${show(near, 30)}')`;
}

/** Compiles one SQL text: syntax problems (original positions) and per-statement lineage. */
export function compileSql(input: SqlText): CompiledSql {
  // The hint is a function: its messages cannot be part of a key, so such compiles are not cached.
  if (cacheDir === undefined || input.unknownParameterHint !== undefined) return compileUncached(input);
  const views: ViewScope = input.views ?? new Map<string, readonly DatasetAddress[]>();
  const key = createHash('sha256')
    .update(JSON.stringify([cacheSalt(), input.text, input.values, [...views]]))
    .digest('hex');
  const file = path.join(cacheDir, `${key}.json`);
  if (fs.existsSync(file)) {
    const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as CompiledSql & {
      views: [string, DatasetAddress[]][];
    };
    views.clear();
    for (const [name, sources] of cached.views) views.set(name, sources);
    return { problems: cached.problems, statements: cached.statements };
  }
  const result = compileUncached({ ...input, views });
  fs.mkdirSync(cacheDir, { recursive: true });
  // Written under a unique name, then renamed: two processes compiling the same text never see half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify({ ...result, views: [...views] }));
  fs.renameSync(temporary, file);
  return result;
}

/**
 * Where compile results are kept between processes (`make synth` compiles in its check and again in the k8s app, and
 * most runs change no SQL): a folder of JSON files named by the hash of the input, the library version and this
 * module's source, so nothing stale is ever read. Undefined: no cache (the default).
 */
let cacheDir: string | undefined;

/** Sets (or with undefined, clears) the compile cache folder; the pipeline loader uses `<repo>/.build/sql-compile`. */
export function setSqlCompileCache(dir: string | undefined): void {
  cacheDir = dir;
}

let salt: string | undefined;
function cacheSalt(): string {
  salt ??= createHash('sha256')
    .update(fs.readFileSync(__filename))
    .update(fs.readFileSync(require.resolve('dt-sql-parser/package.json')))
    .digest('hex');
  return salt;
}

function compileUncached(input: SqlText): CompiledSql {
  const sub = new Substitution(input.text, input.values);
  const problems: string[] = [];
  const at = (offset: number) => {
    const { line, column } = lineColumn(input.text, offset);
    return `line ${line}, column ${column}`;
  };
  if (input.unknownParameterHint !== undefined) {
    const reported = new Set<string>();
    for (const { name, offset } of sub.unknown) {
      if (reported.has(name)) continue;
      reported.add(name);
      const guess = closest(name, Object.keys(input.values));
      problems.push(
        `${at(offset)}: \${${name}} is supplied by nothing; ${input.unknownParameterHint(name, guess)}`,
      );
    }
  }
  // TEMP → TEMPORARY, recorded as a span so positions after it still map back.
  const rewritten = rewriteTemp(sub);
  const { pieces, error } = split(rewritten.text);
  if (error !== undefined) {
    const original = rewritten.toOriginal(error.offset);
    problems.push(
      `${at(original.offset)}: SQL syntax error: ${lexerProblem(error.message, input.text.slice(original.offset))}`,
    );
    return { problems, statements: [] };
  }
  if (pieces.length === 0) {
    problems.push(
      `line 1, column 1: has no SQL statement (the text is empty or only comments); write the statements, or ` +
        'remove the file from the job',
    );
    return { problems, statements: [] };
  }
  const views: ViewScope = input.views ?? new Map<string, readonly DatasetAddress[]>();
  const statements: StatementLineage[] = [];
  for (const piece of pieces) {
    const text = rewritten.text.slice(piece.from, piece.to);
    const origin = rewritten.toOriginal(piece.from).offset;
    const line = lineColumn(input.text, origin).line;
    const summary = show(input.text.slice(origin, rewritten.toOriginal(piece.to - 1).offset + 1), 60);
    const variable = sub.sparkVariables.some(
      (o) => o >= origin && o <= rewritten.toOriginal(piece.to - 1).offset,
    );
    if (DYNAMIC.test(text)) {
      statements.push({ line, summary, reads: [], writes: [], dynamic: true });
      continue;
    }
    if (DELTA_EXTENSION.test(text) && !/^\s*OPTIMIZE\s+\S+\s*(WHERE\b[^;]*)?$/i.test(text)) {
      statements.push({ line, summary, reads: [], writes: deltaExtensionTarget(text), dynamic: false });
      continue;
    }
    const errors: { line: number; column: number; message: string }[] = [];
    const statementParser = sparkParser().createParser(text, (e) =>
      errors.push({ line: e.startLine, column: e.startColumn, message: e.message }),
    );
    const tree = statementParser.program();
    if (errors.length > 0) {
      // Later errors of a statement are mostly consequences of the first.
      const [first] = errors;
      const local = text.split('\n');
      const offset =
        piece.from + local.slice(0, first.line - 1).reduce((n, l) => n + l.length + 1, 0) + first.column - 1;
      const original = rewritten.toOriginal(offset);
      const inside =
        original.name === undefined
          ? ''
          : ` (inside the value of \${${original.name}}, '${show(input.values[original.name] ?? '', 50)}')`;
      problems.push(
        `${at(original.offset)}: SQL syntax error: ${first.message}${inside}; near ` +
          `'${show(input.text.slice(original.offset), 40)}' in the statement starting '${show(summary, 40)}'`,
      );
      continue;
    }
    const lineage = statementLineage(tree, text, views);
    statements.push({ line, summary, ...lineage, dynamic: lineage.dynamic || variable });
  }
  return { problems, statements };
}

/** `CREATE [OR REPLACE] [GLOBAL] TEMP VIEW` → `TEMPORARY`. */
function rewriteTemp(sub: Substitution): Substitution & { toOriginal: Substitution['toOriginal'] } {
  const pattern = /\b(CREATE\s+(?:OR\s+REPLACE\s+)?(?:GLOBAL\s+)?)TEMP(\s+(?:VIEW|TABLE)\b)/gi;
  if (sub.text.search(pattern) < 0) return sub;
  const spans: Span[] = [];
  let out = '';
  let last = 0;
  for (const match of sub.text.matchAll(pattern)) {
    const from = match.index + match[1].length;
    out += sub.text.slice(last, from);
    spans.push({ from, to: from + 4, newFrom: out.length, newTo: out.length + 9 });
    out += 'TEMPORARY';
    last = from + 4;
  }
  out += sub.text.slice(last);
  return Object.assign(Object.create(Substitution.prototype) as Substitution, sub, {
    text: out,
    toOriginal(offset: number) {
      let shift = 0;
      for (const span of spans) {
        if (offset < span.newFrom) break;
        if (offset < span.newTo) return sub.toOriginal(span.from);
        shift = span.to - span.newTo;
      }
      return sub.toOriginal(offset + shift);
    },
  });
}

/** The table a Delta extension statement changes (VACUUM and OPTIMIZE change files, not data: none). */
function deltaExtensionTarget(text: string): DatasetAddress[] {
  const restore = /^\s*RESTORE\s+(?:TABLE\s+)?(\S+)/i.exec(text);
  if (restore === null) return [];
  const address = addressOf(restore[1]);
  return address === undefined ? [] : [address];
}

/** `delta.\`s3a://…\`` → a path; `db.t` → a table. Undefined for what is not a dataset (a CTE is resolved earlier). */
function addressOf(reference: string): DatasetAddress | undefined {
  const path = /^([A-Za-z]+)\.`([^`]*)`$/.exec(reference.trim());
  if (path !== null && PATH_FORMATS.includes(path[1].toLowerCase())) {
    return { kind: 'path', uri: path[2], format: path[1].toLowerCase() };
  }
  const parts = reference
    .trim()
    .split('.')
    .map((p) => p.replace(/^`|`$/g, ''));
  if (parts.some((p) => p === '')) return undefined;
  return { kind: 'table', table: parts.join('.') };
}

/** The original text of a node (getText() drops white space). */
function source(ctx: ParserRuleContext, text: string): string {
  return text.slice(ctx.start!.start, ctx.stop!.stop + 1);
}

function walk(ctx: ParserRuleContext, visit: (node: ParserRuleContext) => boolean | void): void {
  if (visit(ctx) === false) return;
  for (const child of ctx.children ?? []) {
    if ('children' in child && Array.isArray((child as ParserRuleContext).children)) {
      walk(child as ParserRuleContext, visit);
    }
  }
}

const kind = (ctx: ParserRuleContext) => ctx.constructor.name;

function firstChild(ctx: ParserRuleContext, name: string): ParserRuleContext | undefined {
  let found: ParserRuleContext | undefined;
  walk(ctx, (node) => {
    if (found !== undefined) return false;
    if (node !== ctx && kind(node) === name) {
      found = node;
      return false;
    }
    return undefined;
  });
  return found;
}

/** `OPTIONS (path '…')` / `LOCATION '…'` values of a statement. */
function optionPath(ctx: ParserRuleContext, text: string): string | undefined {
  let value: string | undefined;
  walk(ctx, (node) => {
    if (value !== undefined) return false;
    if (kind(node) === 'PropertyContext') {
      const raw = source(node, text);
      const match = /^\s*[`'"]?path[`'"]?\s*=?\s*(['"])(.*)\1\s*$/is.exec(raw);
      if (match !== null) value = match[2];
    }
    if (kind(node) === 'LocationSpecContext') {
      const match = /(['"])(.*)\1\s*$/s.exec(source(node, text));
      if (match !== null) value = match[2];
    }
    return undefined;
  });
  return value;
}

function provider(ctx: ParserRuleContext, text: string): string | undefined {
  const node = firstChild(ctx, 'TableProviderContext');
  return node === undefined
    ? undefined
    : source(node, text)
        .replace(/^USING\s+/i, '')
        .toLowerCase();
}

/** What one parsed statement reads and writes, with temporary views resolved through `views` (and updated). */
function statementLineage(
  tree: ParserRuleContext,
  text: string,
  views: ViewScope,
): { reads: DatasetAddress[]; writes: DatasetAddress[]; dynamic: boolean } {
  const reads: DatasetAddress[] = [];
  const writes: DatasetAddress[] = [];
  let dynamic = false;
  const ctes = new Set<string>();
  walk(tree, (node) => {
    if (kind(node) === 'NamedQueryContext') {
      const name = /^\s*`?([A-Za-z_][A-Za-z0-9_]*)`?/.exec(source(node, text));
      if (name !== null) ctes.add(name[1].toLowerCase());
    }
  });
  const read = (reference: string) => {
    const lower = reference.replace(/`/g, '').toLowerCase();
    if (ctes.has(lower)) return;
    const view = views.get(lower);
    if (view !== undefined) {
      reads.push(...view);
      return;
    }
    const address = addressOf(reference);
    if (address !== undefined) reads.push(address);
  };
  // Reads: every table reference except the targets of writes (collected below and taken out again).
  walk(tree, (node) => {
    if (kind(node) === 'TableNameContext') {
      const reference = source(node, text);
      if (/^IDENTIFIER\s*\(/i.test(reference)) dynamic = true;
      else read(reference);
      return false;
    }
    return undefined;
  });
  const statement = (tree.children ?? []).find(
    (c) => kind(c as ParserRuleContext) === 'SingleStatementContext',
  ) as ParserRuleContext | undefined;
  const top = statement?.children?.[0] as ParserRuleContext | undefined;
  if (top === undefined) return { reads, writes, dynamic };
  const target = (ctx: ParserRuleContext, name: string): DatasetAddress | undefined => {
    const node = firstChild(ctx, name);
    if (node === undefined) return undefined;
    const reference = source(node, text);
    if (/^IDENTIFIER\s*\(/i.test(reference)) {
      dynamic = true;
      return undefined;
    }
    return addressOf(reference);
  };
  switch (kind(top)) {
    case 'CreateTableContext':
    case 'ReplaceTableContext': {
      const location = optionPath(top, text);
      const format = provider(top, text);
      const address = target(top, 'TableNameCreateContext');
      if (location !== undefined) writes.push({ kind: 'path', uri: location, ...(format ? { format } : {}) });
      else if (address !== undefined)
        writes.push(format && address.kind === 'table' ? { ...address, format } : address);
      break;
    }
    case 'CreateTempViewUsingContext': {
      // CREATE TEMPORARY VIEW v USING csv OPTIONS (path '…'): the view reads the path.
      const name = firstChild(top, 'ViewNameCreateContext');
      const path = optionPath(top, text);
      const format = provider(top, text);
      if (name !== undefined) {
        const sources: DatasetAddress[] =
          path === undefined ? [] : [{ kind: 'path', uri: path, ...(format ? { format } : {}) }];
        views.set(source(name, text).replace(/`/g, '').toLowerCase(), sources);
      }
      return { reads: [], writes, dynamic: dynamic || path === undefined };
    }
    case 'CreateViewContext':
    case 'CacheTableContext': {
      const name = firstChild(
        top,
        kind(top) === 'CreateViewContext' ? 'ViewNameCreateContext' : 'TableNameContext',
      );
      const temporary =
        kind(top) === 'CacheTableContext' || /\bTEMPORARY\b/i.test(source(top, text).slice(0, 80));
      if (name !== undefined && temporary) {
        const own = source(name, text).replace(/`/g, '').toLowerCase();
        views.set(own, dedupe(reads.filter((r) => r.kind !== 'table' || r.table.toLowerCase() !== own)));
        return { reads: [], writes, dynamic };
      }
      if (name !== undefined) {
        const address = addressOf(source(name, text));
        if (address !== undefined) writes.push(address);
      }
      break;
    }
    case 'DmlStatementContext': {
      const inner = firstChild(top, 'InsertIntoContext') ?? top;
      if (kind(inner) === 'InsertIntoContext') {
        const directory = /^\s*INSERT\s+OVERWRITE\s+(?:LOCAL\s+)?DIRECTORY\s+(['"])(.*?)\1/is.exec(
          source(inner, text),
        );
        if (directory !== null) writes.push({ kind: 'path', uri: directory[2] });
        else {
          const address = target(inner, 'TableNameContext');
          if (address !== undefined) writes.push(address);
        }
        // The target's own name is not a read.
        break;
      }
      for (const name of ['MergeIntoTableContext', 'UpdateTableContext', 'DeleteFromTableContext']) {
        const dml = firstChild(top, name);
        if (dml === undefined) continue;
        const first = firstChild(dml, 'TableNameContext');
        if (first !== undefined) {
          const address = addressOf(source(first, text));
          if (address !== undefined) writes.push(address);
        }
      }
      break;
    }
    case 'TruncateTableContext': {
      const address = target(top, 'TableNameContext');
      if (address !== undefined) writes.push(address);
      break;
    }
    default:
      break;
  }
  // A write target is named by a table reference too; it is not an input of the statement.
  const written = new Set(writes.map(addressKey));
  return { reads: dedupe(reads.filter((r) => !written.has(addressKey(r)))), writes: dedupe(writes), dynamic };
}

/** A stable key of an address (before namespacing). */
export function addressKey(address: DatasetAddress): string {
  switch (address.kind) {
    case 'path':
      return `path:${address.uri.replace(/^s3a:/, 's3:').replace(/\/+$/, '')}`;
    case 'table':
      return `table:${address.table.toLowerCase()}`;
    case 'glue':
      return `glue:${address.database}.${address.table}`;
  }
}

function dedupe(addresses: readonly DatasetAddress[]): DatasetAddress[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = addressKey(a);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
