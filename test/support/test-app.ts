import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { TestClient } from './test-client';

/** A Nest app listening on a free port of 127.0.0.1. */
export interface RunningApp {
  readonly app: INestApplication;
  readonly port: number;
  /** `ws://127.0.0.1:<port><path>` */
  ws(path: string): string;
  /** `http://127.0.0.1:<port><path>` */
  http(path: string): string;
  close(): Promise<void>;
}

/** Boots a module (or module metadata) as a real Nest HTTP app on port 0. */
export async function startApp(
  root: ModuleMetadata | (new (...args: never[]) => unknown),
  configure?: (app: INestApplication) => void,
): Promise<RunningApp> {
  const module = typeof root === 'function' ? root : moduleOf(root);
  // Handlers that throw on purpose would fill the output; TEST_LOGS=1 shows Nest's logs.
  const app = await NestFactory.create(module as never, { logger: process.env.TEST_LOGS ? ['error', 'warn', 'log'] : false });
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    port,
    ws: (path) => `ws://127.0.0.1:${port}${path}`,
    http: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => app.close(),
  };
}

function moduleOf(metadata: ModuleMetadata): new () => unknown {
  class TestModule {}
  Module(metadata)(TestModule);
  return TestModule;
}

/** The app of a `describe` block and the clients its tests opened. */
export interface AppFixture {
  readonly server: RunningApp;
  /** Connects a client that is closed after the current test. */
  connect(path?: string, options?: Parameters<typeof TestClient.connect>[1]): Promise<TestClient>;
}

/**
 * Starts `root` before the tests of the enclosing `describe`, closes every
 * client a test opened with `connect()` after it, and stops the app at the end.
 */
export function useApp(root: () => ModuleMetadata | (new (...args: never[]) => unknown)): AppFixture {
  let server: RunningApp | undefined;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startApp(root());
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => server?.close());
  return {
    get server() {
      if (!server) throw new Error('the app is not started yet: use the fixture inside a test');
      return server;
    },
    async connect(path = '/ws', options = {}) {
      const client = await TestClient.connect(this.server.ws(path), options);
      clients.push(client);
      return client;
    },
  };
}
