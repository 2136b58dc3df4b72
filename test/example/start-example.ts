import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { bootstrap, type ChatAppOptions } from '../../examples/chat/main';

/** The example chat app on a free loopback port. */
export async function startExample(options: ChatAppOptions = {}): Promise<{ app: INestApplication; ws(path: string): string; http(path: string): string }> {
  const app = await bootstrap({ port: 0, host: '127.0.0.1', logger: false, ...options });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, ws: (path) => `ws://127.0.0.1:${port}${path}`, http: (path) => `http://127.0.0.1:${port}${path}` };
}
