import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { bootstrap } from '../../../examples/chat/main';
import type { SwitchboardOptions } from '../../../src';

/**
 * The example chat app (its own `bootstrap()`) on 127.0.0.1, which can be
 * stopped and started again on the same port: what a client sees when its
 * server restarts.
 */
export class ChatServer {
  private app: INestApplication | undefined;
  private boundPort = 0;

  /** `options` is called on every start, so each run gets a fresh backplane. */
  constructor(private readonly options: () => SwitchboardOptions = () => ({})) {}

  get port(): number {
    return this.boundPort;
  }

  /** Starts on a free port the first time, then on the same port again. */
  async start(): Promise<this> {
    const app = await bootstrap({ ...this.options(), port: this.boundPort, host: '127.0.0.1', logger: false });
    this.boundPort = (app.getHttpServer().address() as AddressInfo).port;
    this.app = app;
    return this;
  }

  /** Closes the app the way a deploy would: every client gets close 1001. */
  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }

  ws(path: string): string {
    return `ws://127.0.0.1:${this.boundPort}${path}`;
  }

  http(path: string): string {
    return `http://127.0.0.1:${this.boundPort}${path}`;
  }
}
