import type { AppStyle } from '../app-style';

/**
 * The line that imports a spec's test functions: none for jest, whose are
 * globals; an explicit import for vitest, which works whether or not the
 * app's vitest config turns `globals` on.
 */
export function testFunctionImports(style: AppStyle, names: readonly string[]): string {
  return style.testRunner === 'vitest' ? `import { ${[...names].sort().join(', ')} } from 'vitest';\n` : '';
}
