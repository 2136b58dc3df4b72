/** What the generated `package.json` and README depend on. */
export interface AppConfig {
  /** npm package name, also the folder name. */
  readonly name: string;
  /** How the app depends on Switchboard: `file:/path/to/switchboard` or a version range. */
  readonly switchboard: string;
  /** Version ranges of the other packages the app uses, by package name. */
  readonly versions: Readonly<Record<string, string>>;
}

/** Packages the app itself imports. */
export const APP_DEPENDENCIES = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'reflect-metadata', 'rxjs'] as const;
/** Packages its build and tests need. */
export const APP_DEV_DEPENDENCIES = ['@swc/core', '@swc/jest', '@types/jest', '@types/node', '@types/ws', 'jest', 'typescript', 'ws'] as const;

/** Whether the app gets Switchboard from a folder rather than from the registry. */
export function isFileDependency(config: AppConfig): boolean {
  return config.switchboard.startsWith('file:');
}

export function packageJsonTemplate(config: AppConfig): string {
  const pick = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, config.versions[n]]));
  const manifest = {
    name: config.name,
    version: '0.0.1',
    private: true,
    description: 'A WebSocket back end built with Switchboard on NestJS',
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      start: 'npm run build && node dist/main.js',
      test: 'tsc -p tsconfig.json && jest',
    },
    dependencies: { ...pick(APP_DEPENDENCIES), switchboard: config.switchboard },
    devDependencies: pick(APP_DEV_DEPENDENCIES),
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

export function gitignoreTemplate(): string {
  return 'node_modules/\ndist/\ncoverage/\n';
}

/**
 * `.npmrc` for a `file:` dependency. npm links a folder by default, and the
 * linked Switchboard would then load its own copy of NestJS beside the app's;
 * two copies of `@nestjs/core` break dependency injection. Installing it as a
 * copy lets npm share one NestJS between them.
 */
export function npmrcTemplate(): string {
  return [
    '# Switchboard comes from a folder (file:). Installing it as a copy, not a symlink,',
    '# gives the app and Switchboard one shared copy of NestJS.',
    'install-links=true',
    '',
  ].join('\n');
}

export function readmeTemplate(config: AppConfig): string {
  const source = isFileDependency(config)
    ? `\nSwitchboard is installed from \`${config.switchboard}\` as a copy (see \`.npmrc\`), built\nas it was then. After changing and rebuilding it there, copy it in again with\n\`npm install switchboard@${config.switchboard}\`.\n`
    : '';
  return `# ${config.name}

A WebSocket back end built with Switchboard on NestJS.

## Run it

\`\`\`sh
npm install
npm start
\`\`\`

Clients connect to \`ws://localhost:3000/ws\` (\`PORT\` changes the port). Send
\`{"event":"hello","message":"Ada","id":1}\` and the reply is
\`{"event":"hello","message":"Hello, Ada!","id":1}\`.

## Test it

\`\`\`sh
npm test
\`\`\`

It type-checks everything, then runs the specs in \`src/\` and \`test/\`, which talk to the app with real WebSocket clients.

## Grow it

\`\`\`sh
npx switchboard create:controller Chat --ws   # src/controllers/chat.controller.ts, added to AppGateway
npx switchboard g gateway Lobby               # src/gateways/lobby.gateway.ts on /lobby, added to AppModule
npx switchboard g service Notifications       # src/services/notifications.service.ts, added to AppModule
\`\`\`
${source}`;
}
