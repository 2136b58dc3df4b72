/**
 * Version ranges of the packages a new app installs besides Switchboard: the
 * ones this release of Switchboard is built and tested with, all inside its
 * peer ranges. test/cli/app-versions.spec.ts keeps them equal to the
 * repository's own, so a new app runs on what the test suite ran on.
 */
export const APP_VERSIONS = {
  /** What the app loads at run time: Switchboard's Nest peers, and what its own code imports. */
  dependencies: {
    '@nestjs/common': '^11.2.10',
    '@nestjs/core': '^11.2.10',
    '@nestjs/platform-express': '^11.2.10',
    '@nestjs/platform-ws': '^11.2.6',
    '@nestjs/websockets': '^11.2.6',
    'reflect-metadata': '^0.2.2',
    rxjs: '^7.8.2',
    ws: '8.23.0',
  },
  /** What its build and tests need. */
  devDependencies: {
    // Exact: later builds are missing for some platforms, which breaks `npm ci`.
    '@swc/core': '1.16.18',
    '@swc/jest': '^0.2.39',
    '@types/jest': '^29.5.14',
    '@types/node': '^20.19.43',
    '@types/ws': '^8.18.2',
    jest: '^29.7.0',
    typescript: '~5.7',
  },
} as const satisfies Record<'dependencies' | 'devDependencies', Readonly<Record<string, string>>>;
