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
  writeFileSync(join(root, 'src', 'map.backplane.ts'), MAP_BACKPLANE);
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

/**
 * A backplane written outside the package, from its exported types only: a
 * registry of its own (keeping the version rules ConnectionRegistry states)
 * and a transport for one node. The app runs on it, so joins and room
 * emits in the spec go through this code.
 */
const MAP_BACKPLANE = `import {
  Backplane,
  mergeMetadata,
  type ConnectionInfo,
  type ConnectionRecord,
  type ConnectionRegistry,
  type MetadataUpdate,
} from 'switchboard';

interface Entry {
  record: ConnectionRecord;
  rooms: Set<string>;
  metadata: Readonly<Record<string, unknown>>;
  version: number;
}

class MapRegistry implements ConnectionRegistry {
  private readonly entries = new Map<string, Entry>();

  add(record: ConnectionRecord): void {
    this.entries.set(record.id, { record, rooms: new Set(), metadata: record.metadata, version: 0 });
  }

  remove(id: string): void {
    this.entries.delete(id);
  }

  join(id: string, room: string): number {
    const entry = this.entries.get(id);
    if (!entry) return 0;
    entry.rooms.add(room);
    return ++entry.version;
  }

  leave(id: string, room: string): number {
    const entry = this.entries.get(id);
    if (!entry) return 0;
    entry.rooms.delete(room);
    return ++entry.version;
  }

  get(id: string): ConnectionInfo | null {
    const entry = this.entries.get(id);
    return entry ? { ...entry.record, rooms: [...entry.rooms], metadata: entry.metadata } : null;
  }

  all(): ConnectionInfo[] {
    return [...this.entries.keys()].map((id) => this.get(id)!);
  }

  members(room: string): string[] {
    return [...this.entries.values()].filter((e) => e.rooms.has(room)).map((e) => e.record.id);
  }

  patch(id: string, patch: Readonly<Record<string, unknown>>): MetadataUpdate | null {
    const entry = this.entries.get(id);
    if (!entry) return null;
    entry.metadata = mergeMetadata(entry.metadata, patch);
    return { metadata: entry.metadata, version: ++entry.version };
  }
}

export class MapBackplane extends Backplane {
  readonly name = 'map';
  protected readonly registry = new MapRegistry();

  constructor() {
    super();
  }

  override get distributed(): boolean {
    return false;
  }

  protected publish(_payload: unknown, _node?: string): void {
    // One node: nobody to tell.
  }
}
`;

const MODULE = (js: string): string => `import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { Gateway, SwitchboardModule } from 'switchboard';
import { ChatController, DenyAll } from './chat.controller${js}';
import { MapBackplane } from './map.backplane${js}';
import { GreeterService } from './greeter.service${js}';

@Gateway('/ws', { controllers: [ChatController] })
export class ChatGateway {}

@Module({
  imports: [SwitchboardModule.forRoot({ backplane: new MapBackplane() }), ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: 5 }] })],
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
