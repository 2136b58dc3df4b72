import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { bootstrap } from '../../examples/chat/main';
import type { SwitchboardOptions } from '../../src';

/**
 * The example chat app (its own `bootstrap()`) in this process on 127.0.0.1,
 * silent, which can be stopped and started again on the same port: what a
 * client sees when its server restarts. (examples/chat/cluster.ts as
 * `npm start` runs it: example-cluster.ts.)
 */
export class ChatServer {
  private running: INestApplication | undefined;
  private boundPort = 0;

  /** `options` is called on every start, so each run gets a fresh backplane. */
  constructor(private readonly options: () => SwitchboardOptions = () => ({})) {}

  /** The Nest app of the current run. */
  get app(): INestApplication {
    if (!this.running) throw new Error('the chat server is not running: start() it first');
    return this.running;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Starts on a free port the first time, then on the same port again. */
  async start(): Promise<this> {
    const app = await bootstrap({ ...this.options(), port: this.boundPort, host: '127.0.0.1', logger: false });
    this.boundPort = (app.getHttpServer().address() as AddressInfo).port;
    this.running = app;
    return this;
  }

  /** Closes the app the way a deploy would: every client gets close 1001. */
  async stop(): Promise<void> {
    const app = this.running;
    this.running = undefined;
    await app?.close();
  }

  /** `ws://127.0.0.1:<port><path>` (bound: it may be passed on alone). */
  readonly ws = (path: string): string => `ws://127.0.0.1:${this.boundPort}${path}`;

  /** `http://127.0.0.1:<port><path>` (bound: it may be passed on alone). */
  readonly http = (path: string): string => `http://127.0.0.1:${this.boundPort}${path}`;
}
