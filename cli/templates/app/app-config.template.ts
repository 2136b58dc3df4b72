import { APP_VERSIONS } from './app-versions';

/** What the generated `package.json` and README depend on. */
export interface AppConfig {
  /** npm package name, also the folder name. */
  readonly name: string;
  /** How the app depends on `switchboard`: `file:vendor/switchboard-<version>.tgz` or a version range. */
  readonly switchboard: string;
  /** How it depends on `@switchboard/cli`, from the same place as `switchboard`. */
  readonly cli: string;
  /** The checkout or folder of tarballs the vendored packages came from; undefined when they come from the registry. */
  readonly vendoredFrom?: string;
}

/** `package.json`: `npm start` runs the cluster, `npm run start:single` one process. */
export function packageJsonTemplate(config: AppConfig): string {
  const manifest = {
    name: config.name,
    version: '0.0.1',
    private: true,
    description: 'A WebSocket back end built with Switchboard on NestJS',
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      start: 'npm run build && node dist/main.js',
      'start:single': 'npm run build && node dist/single.js',
      test: 'tsc -p tsconfig.json && jest',
    },
    dependencies: sorted({ ...APP_VERSIONS.dependencies, switchboard: config.switchboard }),
    devDependencies: sorted({ ...APP_VERSIONS.devDependencies, '@switchboard/cli': config.cli }),
    jest: {
      testEnvironment: 'node',
      roots: ['<rootDir>/src', '<rootDir>/test'],
      testMatch: ['**/*.spec.ts'],
      transform: {
        '^.+\\.ts$': [
          '@swc/jest',
          {
            jsc: {
              parser: { syntax: 'typescript', decorators: true },
              transform: { legacyDecorator: true, decoratorMetadata: true },
              target: 'es2022',
              keepClassNames: true,
            },
          },
        ],
      },
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** In name order, as npm itself writes them. */
function sorted(deps: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** `tsconfig.json`: strict, type-checks sources and tests, emits nothing. */
export function tsconfigTemplate(): string {
  const config = {
    compilerOptions: {
      module: 'commonjs',
      target: 'ES2022',
      lib: ['ES2022'],
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      skipLibCheck: true,
      forceConsistentCasingInFileNames: true,
      sourceMap: true,
      outDir: 'dist',
      noEmit: true,
      types: ['node', 'jest'],
    },
    include: ['src', 'test'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** `tsconfig.build.json`: compiles `src` (without specs) to `dist`. */
export function tsconfigBuildTemplate(): string {
  const config = {
    extends: './tsconfig.json',
    compilerOptions: { noEmit: false, rootDir: 'src', types: ['node'] },
    include: ['src'],
    exclude: ['node_modules', 'dist', 'test', '**/*.spec.ts'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** `nest-cli.json`: `sourceRoot` is where the generators write. */
export function nestCliTemplate(): string {
  const config = {
    $schema: 'https://json.schemastore.org/nest-cli',
    collection: '@nestjs/schematics',
    sourceRoot: 'src',
    compilerOptions: { tsConfigPath: 'tsconfig.build.json', deleteOutDir: true },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** `.gitignore`: vendor/ stays in, so a clone installs the same Switchboard. */
export function gitignoreTemplate(): string {
  return 'node_modules/\ndist/\ncoverage/\n';
}

/** The app's configuration files, as [path, content]. */
export function appConfigFiles(config: AppConfig): [string, string][] {
  return [
    ['package.json', packageJsonTemplate(config)],
    ['tsconfig.json', tsconfigTemplate()],
    ['tsconfig.build.json', tsconfigBuildTemplate()],
    ['nest-cli.json', nestCliTemplate()],
    ['.gitignore', gitignoreTemplate()],
  ];
}
