// A Nest 12 style app as `nest new` makes it (ES modules under nodenext,
// vitest), with Switchboard added by hand, for the generators to write into.
// Its node_modules points at this repository's packages (Nest 11 types, which
// Switchboard's peer range also covers) and at a stand-in for vitest's types,
// so `tsc` type-checks what the generators write without an install.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../../support/repo';

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'nest12-app',
    private: true,
    type: 'module',
    scripts: { build: 'nest build', test: 'vitest run' },
    dependencies: { '@nestjs/common': '^12.0.1', '@nestjs/core': '^12.0.1', switchboard: '^0.1.0' },
    devDependencies: { typescript: '^6.0.2', vitest: '^4.1.2' },
  }),
  // As @nestjs/schematics writes it for ES modules (less `incremental`: the test only type-checks).
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      resolvePackageJsonExports: true,
      esModuleInterop: true,
      isolatedModules: true,
      declaration: true,
      emitDecoratorMetadata: true,
      experimentalDecorators: true,
      allowSyntheticDefaultImports: true,
      target: 'ES2023',
      outDir: './dist',
      rootDir: '.',
      skipLibCheck: true,
      strict: true,
      strictPropertyInitialization: false,
      types: ['vitest/globals', 'node'],
    },
  }),
  'nest-cli.json': JSON.stringify({ collection: '@nestjs/schematics', sourceRoot: 'src' }),
  'src/main.ts': `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await app.listen(process.env.PORT ?? 3000);
}
bootstrap();
`,
  'src/app.module.ts': `import { Module } from '@nestjs/common';
import { SwitchboardModule } from 'switchboard';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';
import { ChatGateway } from './chat.gateway.js';

@Module({
  imports: [SwitchboardModule.forRoot()],
  controllers: [AppController],
  providers: [AppService, ChatGateway],
})
export class AppModule {}
`,
  'src/app.controller.ts': `import { Controller, Get } from '@nestjs/common';
import { AppService } from './app.service.js';

@Controller()
export class AppController {
  constructor(private readonly appService: AppService) {}

  @Get()
  getHello(): string {
    return this.appService.getHello();
  }
}
`,
  'src/app.service.ts': `import { Injectable } from '@nestjs/common';

@Injectable()
export class AppService {
  getHello(): string {
    return 'Hello World!';
  }
}
`,
  'src/chat.gateway.ts': `import { Gateway } from 'switchboard';

@Gateway('/ws', { controllers: [] })
export class ChatGateway {}
`,
  // vitest's public API as jest's types describe it: enough to type-check imports of describe, it, expect and the hooks.
  'node_modules/vitest/package.json': JSON.stringify({ name: 'vitest', version: '4.1.2', types: 'index.d.ts' }),
  'node_modules/vitest/index.d.ts': `/// <reference types="jest" />
export declare const describe: jest.Describe;
export declare const it: jest.It;
export declare const expect: jest.Expect;
export declare const beforeAll: jest.Lifecycle;
export declare const beforeEach: jest.Lifecycle;
export declare const afterAll: jest.Lifecycle;
export declare const afterEach: jest.Lifecycle;
`,
  'node_modules/vitest/globals.d.ts': '/// <reference types="jest" />\n',
};

/** Packages the app resolves from this repository: `switchboard` is the repository itself (its built dist/src). */
const LINKED = ['@nestjs', '@types', 'reflect-metadata', 'rxjs', 'ws'];

/** Writes the app into `root`. Needs `npm run build` (for `switchboard`'s types in dist/src). */
export function writeEsmFixtureApp(root: string): void {
  for (const [path, content] of Object.entries(FILES)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  for (const name of LINKED) symlinkSync(join(REPO, 'node_modules', name), join(root, 'node_modules', name), 'dir');
  symlinkSync(REPO, join(root, 'node_modules', 'switchboard'), 'dir');
}
