// ESLint with typescript-eslint, run by CI (`npm run lint`). The rules that keep sluice's promises:
// no `any` (types say what flows where), and no bare `throw new Error` in src/ (every failure a user
// can cause has a code: throw a SluiceError, or an InternalError for a broken invariant).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-types/**', '**/.sluice/**', 'test/.tmp-*/**', 'bench/.out/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "ThrowStatement > NewExpression[callee.name=/^(Error|TypeError|RangeError)$/]",
        message: 'throw a SluiceError with a code from src/model/error-codes.ts (or an InternalError for a broken invariant), not a bare Error',
      }],
    },
  },
  {
    // Tests and benchmarks reach into loosely typed data (JSON documents, AWS responses) on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
