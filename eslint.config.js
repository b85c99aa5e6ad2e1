// ESLint (flat config): typescript-eslint's recommended rules on the TypeScript sources, with the
// project's own conventions: `any` is an error (tsc strict already holds 0), unused names are
// errors unless prefixed with `_`, and an unused expression is allowed only as a statement-level
// short-circuit (`a && b()` is not used). Formatting is Prettier's job (`npm run format:check`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'web/dist/', '.native/', 'runs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
