import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';

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
