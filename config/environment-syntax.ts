import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** Folder of the environment files, relative to the repository root. */
export const ENVIRONMENTS_DIR = 'config/environments';

/**
 * Syntax errors of one environment file, as `<file>: line L, column C: …` lines. TypeScript's own parser answers
 * (the files are loaded by tsx, whose esbuild would stop at the same place with a stack trace instead).
 */
export function environmentSyntaxProblems(file: string, text: string): string[] {
  const output = ts.transpileModule(text, {
    fileName: path.posix.basename(file),
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  });
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  return (output.diagnostics ?? []).slice(0, 1).map((d) => {
    const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const lines = text.split('\n');
    const lineText = lines[line]?.trim() ?? '';
    // TypeScript reports a missing comma at the next token, often the start of the following line.
    const startOfLine = character === (lines[line] ?? '').length - (lines[line] ?? '').trimStart().length;
    const hint =
      message === "',' expected." && startOfLine && line > 0 ? ` (probably at the end of line ${line})` : '';
    return (
      `${file}: line ${line + 1}, column ${character + 1}: TypeScript syntax error: ${message}${hint} ` +
      `(at: ${lineText.length > 60 ? `${lineText.slice(0, 57)}...` : lineText}); fix it there: each field is ` +
      'name: value followed by a comma, text in quotes, { } and [ ] in pairs'
    );
  });
}

/** Syntax errors of every `.ts` file in config/environments/ (read before any of them is imported). */
export function checkEnvironmentSyntax(repoRoot: string): string[] {
  const dir = path.join(repoRoot, ENVIRONMENTS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .sort()
    .flatMap((name) => {
      const file = `${ENVIRONMENTS_DIR}/${name}`;
      return environmentSyntaxProblems(file, fs.readFileSync(path.join(dir, name), 'utf8'));
    });
}

/**
 * Environment files that config/environments/index.ts does not list: copying dev.ts to stage.ts and forgetting the
 * index line would otherwise synthesize nothing for it, silently.
 */
export function unlistedEnvironmentProblems(repoRoot: string, listed: readonly string[]): string[] {
  const dir = path.join(repoRoot, ENVIRONMENTS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && name !== 'index.ts' && !name.endsWith('.test.ts'))
    .sort()
    .map((name) => `${ENVIRONMENTS_DIR}/${name}`)
    .filter((file) => !listed.includes(file))
    .map((file) => {
      const name = path.posix.basename(file, '.ts');
      const id = /^[A-Za-z_$][\w$]*$/.test(name) ? name : 'env';
      return (
        `${file}: file: not listed in ${ENVIRONMENTS_DIR}/index.ts, so it is never synthesized; add ` +
        `import ${id} from './${name}'; and { file: '${file}', input: ${id} } to environmentSources there ` +
        '(or delete the file)'
      );
    });
}
