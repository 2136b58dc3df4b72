// A Nest app written from scratch, as a user would write one, that installs
// the packed Switchboard next to a chosen Nest version. The same sources
// serve both flavours: CommonJS (Nest 11) and ES modules with
// `module: nodenext` (Nest 12), where relative imports end in `.js`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How the scratch app is built. */
export interface ScratchFlavour {
  /** Version (or range) of every `@nestjs/*` package the app installs. */
  readonly nest: Readonly<Record<string, string>>;
  /** `commonjs` (Nest 11 apps as `nest new` made them) or `esm` (Nest 12: `"type": "module"`, nodenext). */
  readonly modules: 'commonjs' | 'esm';
}

/** Writes package.json, tsconfig.json and src/ of the app into `root`. */
export function writeScratchApp(root: string, flavour: ScratchFlavour, server: string): void {
  const esm = flavour.modules === 'esm';
  const js = esm ? '.js' : '';
  mkdirSync(join(root, 'src'), { recursive: true });
  const manifest = {
    name: `scratch-${flavour.modules}`,
    private: true,
    ...(esm && { type: 'module' }),
    dependencies: {
      ...flavour.nest,
      switchboard: `file:${server}`,
      // A global APP_GUARD as Nest apps commonly have one: it must not break the handshake.
      '@nestjs/throttler': '^6.5.0',
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.1',
    },
    devDependencies: { '@types/node': '^20.19.0' },
  };
  const tsconfig = {
    compilerOptions: {
      module: esm ? 'nodenext' : 'commonjs',
      ...(esm && { moduleResolution: 'nodenext' }),
      target: 'ES2022',
      outDir: 'dist',
      rootDir: 'src',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['src'],
  };
  writeFileSync(join(root, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(root, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  writeFileSync(join(root, 'src', 'greeter.service.ts'), GREETER);
  writeFileSync(join(root, 'src', 'chat.controller.ts'), CONTROLLER(js));
  writeFileSync(join(root, 'src', 'app.module.ts'), MODULE(js));
  writeFileSync(join(root, 'src', 'main.ts'), MAIN(js));
}

const GREETER = `import { Injectable } from '@nestjs/common';

@Injectable()
export class GreeterService {
  greet(name: string): string {
    return \`hello, \${name}\`;
  }
}
`;

const CONTROLLER = (js: string): string => `import { Injectable, UseGuards, type CanActivate } from '@nestjs/common';
import { Emitter, Message, On, WsController, type WsEmitter } from 'switchboard';
import { GreeterService } from './greeter.service${js}';

@Injectable()
export class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@WsController()
export class ChatController {
  constructor(private readonly greeter: GreeterService) {}

  @On('say')
  say(@Emitter() emitter: WsEmitter, @Message() message: string): string {
    emitter.room('lobby').emitExceptSender('said', message);
    return this.greeter.greet(message);
  }

  @On('ping')
  ping(): string {
    return 'pong';
  }

  @On('secret')
  @UseGuards(DenyAll)
  secret(): string {
    return 'never sent';
  }
}
`;

const MODULE = (js: string): string => `import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { Gateway, SwitchboardModule } from 'switchboard';
import { ChatController, DenyAll } from './chat.controller${js}';
import { GreeterService } from './greeter.service${js}';

@Gateway('/ws', { controllers: [ChatController] })
export class ChatGateway {}

@Module({
  imports: [SwitchboardModule.forRoot(), ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: 5 }] })],
  providers: [ChatGateway, ChatController, GreeterService, DenyAll, { provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class AppModule {}
`;

const MAIN = (js: string): string => `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module${js}';

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  console.log(JSON.stringify({ listening: port }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;
