/** How an app's code is written, which the generated files follow. */
export interface AppStyle {
  /**
   * Ending of relative import paths: `.js` where Node resolves them as ES
   * modules do (`"type": "module"`, or TypeScript's `node16`/`nodenext`), which
   * need the extension of the compiled file; none for CommonJS apps.
   */
  readonly importExtension: '' | '.js';
  /** The test runner the app's specs are written for. */
  readonly testRunner: 'jest' | 'vitest';
}

/** What a Nest app made by `nest new` before Nest 12 uses. */
export const COMMONJS_JEST: AppStyle = { importExtension: '', testRunner: 'jest' };
