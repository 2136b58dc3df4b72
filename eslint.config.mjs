// Lint rules the test suite depends on. `npm test` runs them first, so a
// focused test (`it.only`, `fdescribe`) can never pass CI by silencing the rest.
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'test-artifacts/**', 'bench/results/**'] },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { jest },
    rules: {
      'jest/no-focused-tests': 'error',
    },
  },
);
