// typescript-eslint needs the TypeScript compiler API, which TypeScript 7 (native) does not ship yet;
// lint therefore parses with the `typescript` 5.9 package while `make typecheck` uses `typescript-7`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
          patterns: [
            {
              group: ['cdktf', 'cdktf/*', '@cdktf/*'],
              message:
                'cdktf is archived; keep every cdktf import inside infra/ so a switch to a fork touches infra/ only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['infra/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['eslint.config.mjs', 'esbuild.config.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
