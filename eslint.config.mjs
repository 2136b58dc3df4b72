// ESLint for every TypeScript and JavaScript file of the repository (`npm run lint`, part of `npm test`):
// typescript-eslint's recommended rules, plus the rules the test suite depends on.
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      'test-artifacts/**',
      'bench/results/**',
      'reports/**',
      'examples/chat/public/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a parameter or binding kept for its position or to leave it out of a rest.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // A binding assigned once after closures that read it were made (a boot promise, a client wired both ways).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // One concept per file: a source file past 300 lines of code is doing too much.
    files: ['src/**/*.ts', 'client/**/*.ts', 'cli/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Plain Node scripts (the benchmark's worker threads, build scripts) load modules with require().
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read frames and JSON of any shape; `any` there never reaches the public API.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // A focused test (`it.only`, `fdescribe`) must never pass CI by silencing the rest.
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    plugins: { jest },
    rules: { 'jest/no-focused-tests': 'error' },
  },
);
