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
 * A checker must not take its truth from the code it checks: verify/ imports neither infra/ nor k8s/. One block per
 * folder depth, because `../k8s` from verify/ is the repository's k8s/ while from verify/rules/ it is verify/k8s.ts.
 */
const verifyImportsNoLayer = [1, 2, 3, 4].map((depth) => {
  const up = '(\\.\\./){' + depth + '}';
  return {
    files: [`verify/${'*/'.repeat(depth - 1)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            CDKTF_ONLY_IN_INFRA,
            {
              regex: `^${up}(infra|k8s)(/|$)`,
              message:
                'verify/ checks what infra/ and k8s/ synthesize; it must not import them (read dist/ instead).',
            },
          ],
        },
      ],
    },
  };
});

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
  ...verifyImportsNoLayer,
  {
    files: ['infra/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['eslint.config.mjs', 'esbuild.config.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
