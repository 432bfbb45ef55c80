// Lint configuration, run by `npm test` (scripts/run-tests.mjs): TypeScript rules everywhere,
// React hook rules in the web client. Formatting is Prettier's job (.prettierrc.json).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'web-client/dist/**', 'signaling/generated/**', 'data/**', 'prisma/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // `_name` marks a deliberately unused binding (a skipped tuple element, an ignored argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['web-client/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Test harnesses record whatever the server sent; `any` there is a choice, not an oversight.
    files: ['tests/**/*.ts', 'bench/**/*.ts', '**/*.test.ts', '**/*.harness.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
