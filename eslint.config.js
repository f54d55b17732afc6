// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'coverage/**',
      'docs/api/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      // Compiled with TC39 decorators by its own tsconfig (see decorators-tc39.test.ts).
      'packages/core/test/fixtures/tc39/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.lint.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Tasks are often async without awaiting (the engine awaits them).
      '@typescript-eslint/require-await': 'off',
      // Decorated flow/task methods are bound to their instance by design (`asTask(this.train)`).
      '@typescript-eslint/unbound-method': 'off',
      // User code may throw anything; the engine rethrows what it caught.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // The web UI is browser code with its own tsconfig (DOM, Preact's JSX).
    files: ['packages/server/ui/src/**'],
    languageOptions: {
      parserOptions: { project: ['./packages/server/ui/tsconfig.json'] },
    },
  },
  {
    files: ['**/test/**', '**/bench/**', 'examples/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
