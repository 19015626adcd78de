// typescript-eslint needs the TypeScript compiler API, which TypeScript 7 (native) does not ship yet;
// lint therefore parses with the `typescript` 5.9 package while `make typecheck` uses `typescript-7`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const CDKTF_ONLY_IN_INFRA = {
  group: ['cdktf', 'cdktf/*', '@cdktf/*'],
  message:
    'cdktf is archived; keep every cdktf import inside infra/ so a switch to a fork touches infra/ only.',
};

/**
 * The rooms of the repository and the doors between them, enforced for source and tests alike. infra/ and k8s/ meet
 * only through config/ (and dist/); a checker never takes its truth from the code it checks, so verify/ imports
 * neither; nothing reaches past another room's index (`config`, `infra`, `k8s`, `verify` are imported as a folder,
 * never a file below it); shared test helpers (test-support/) serve tests and tools, not the code they test.
 * tools/room-boundaries.test.ts lints forbidden imports with this table and proves each one fails.
 */
export const ROOMS = ['config', 'infra', 'k8s', 'verify', 'engines', 'etl', 'tools', 'test-support'];
/** Rooms whose public surface is their index.ts: other rooms import the folder, never a file below it. */
export const DOORS = ['config', 'infra', 'k8s', 'verify'];
/** Room → the rooms it must never import. */
export const NEVER = {
  config: ['infra', 'k8s', 'verify', 'engines', 'etl', 'tools'],
  infra: ['k8s', 'engines', 'etl', 'tools'],
  k8s: ['infra', 'engines', 'etl', 'tools'],
  verify: ['infra', 'k8s', 'engines', 'etl', 'tools'],
  engines: ['infra', 'k8s', 'etl', 'tools'],
  etl: ['infra', 'k8s', 'verify', 'engines', 'tools'],
  tools: ['infra', 'k8s', 'engines', 'etl'],
  'test-support': ['infra', 'k8s', 'verify', 'engines', 'etl', 'tools'],
};
/** Files that only tests run: they may use test-support/. */
const TEST_FILES = ['**/*.test.ts', '**/testing.ts', '**/testing-app.ts'];
const MAX_DEPTH = 6;

/**
 * The patterns for a file `depth` folders below the repository root. Relative specifiers are matched by how far they
 * climb: from verify/rules/x.ts, `../k8s` is verify/k8s.ts, and only `../../k8s` is the k8s/ room.
 */
function roomPatterns(room, depth, isTest) {
  const up = `^(\\.\\./){${depth}}`;
  const never = [...NEVER[room], ...(isTest || room === 'tools' ? [] : ['test-support'])];
  const doors = DOORS.filter((door) => door !== room && !never.includes(door));
  const patterns = [];
  if (room !== 'infra') patterns.push(CDKTF_ONLY_IN_INFRA);
  if (never.length > 0) {
    patterns.push({
      regex: `${up}(${never.join('|')})(/|$)`,
      message: `${room}/ must not import ${never.map((r) => `${r}/`).join(', ')} (ROOMS in eslint.config.mjs: the rooms meet only through config/ and dist/).`,
    });
  }
  if (doors.length > 0) {
    patterns.push({
      regex: `${up}(${doors.join('|')})/`,
      message:
        'import another room through its index (the folder itself, e.g. `../config`), never a file below it.',
    });
  }
  return patterns;
}

const roomBoundaries = ROOMS.flatMap((room) =>
  Array.from({ length: MAX_DEPTH }, (_, i) => i + 1).flatMap((depth) => {
    const files = [`${room}/${'*/'.repeat(depth - 1)}*.ts`];
    return [
      {
        files,
        ignores: TEST_FILES,
        rules: { 'no-restricted-imports': ['error', { patterns: roomPatterns(room, depth, false) }] },
      },
      {
        files: TEST_FILES.map((t) => `${room}/${'*/'.repeat(depth - 1)}${t.slice(3)}`),
        rules: { 'no-restricted-imports': ['error', { patterns: roomPatterns(room, depth, true) }] },
      },
    ];
  }),
);

export default tseslint.config(
  { ignores: ['imports/**', 'dist/**', 'node_modules/**', '.build/**', '.cache/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [CDKTF_ONLY_IN_INFRA],
        },
      ],
    },
  },
  ...roomBoundaries,
  {
    files: ['eslint.config.mjs', 'esbuild.config.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
