/** `test/support/test-app.ts`: boots a module on a free port, as the generated specs need. */
export function testAppTemplate(): string {
  return `import { Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { SwitchboardModule } from 'switchboard';

/** A Nest app listening on a free port of 127.0.0.1. */
export interface RunningApp {
  /** \`ws://127.0.0.1:<port><path>\` */
  url(path: string): string;
  /** One of the app's providers, e.g. a service to call. */
  get<T>(type: Type<T>): T;
  close(): Promise<void>;
}

/**
 * Boots a module class (such as \`AppModule\`), or a module made of \`metadata\`
 * plus \`SwitchboardModule\`, as a real HTTP and WebSocket server on a free port.
 */
export async function startApp(root: Type<unknown> | ModuleMetadata): Promise<RunningApp> {
  // abortOnError: false makes a boot error fail the test instead of ending the process.
  const app = await NestFactory.create(typeof root === 'function' ? root : moduleOf(root), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    url: (path) => \`ws://127.0.0.1:\${port}\${path}\`,
    get: (type) => app.get(type),
    close: () => app.close(),
  };
}

function moduleOf(metadata: ModuleMetadata): Type<unknown> {
  class SpecModule {}
  Module({ ...metadata, imports: [SwitchboardModule.forRoot(), ...(metadata.imports ?? [])] })(SpecModule);
  return SpecModule;
}
`;
}

/** `test/support/test-client.ts`: a real \`ws\` client whose every wait is bounded. */
export function testClientTemplate(): string {
  return `import WebSocket from 'ws';

/** A frame as a client receives it. */
export interface Frame {
  event: string;
  message?: unknown;
  sender?: string;
  room?: string;
  id?: string | number;
}

/** How long a test waits for one frame (or for the close) before it fails, in ms. */
const WAIT_MS = 3000;

/**
 * A real WebSocket client for tests. It keeps every frame it receives, in
 * order; \`next()\` waits a bounded time for the first unread one that matches.
 */
export class TestClient {
  /** This connection's id, from the server's \`connected\` frame. */
  id = '';
  private readonly frames: Frame[] = [];
  private readonly unread: Frame[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;
  private nextId = 1;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      this.unread.push(frame);
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    // A failed connection also emits 'close', which ends every wait with a clear message.
    socket.on('error', () => undefined);
  }

  /** Connects and waits for the server's \`connected\` frame. */
  static async connect(url: string): Promise<TestClient> {
    const client = new TestClient(new WebSocket(url));
    const connected = await client.next((f) => f.event === 'connected', \`the connected frame from \${url}\`);
    client.id = (connected.message as { id: string }).id;
    return client;
  }

  /** Sends \`{ event, message }\`. */
  send(event: string, message?: unknown): void {
    this.socket.send(JSON.stringify({ event, message }));
  }

  /** Sends \`{ event, message, id }\` and resolves with the frame that answers that id. */
  request(event: string, message?: unknown): Promise<Frame> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ event, message, id }));
    return this.next((f) => f.id === id, \`the reply to "\${event}"\`);
  }

  /** The first unread frame that matches, now marked read. */
  next(match: (frame: Frame) => boolean, what = 'a matching frame'): Promise<Frame> {
    return this.waitFor(() => {
      const index = this.unread.findIndex(match);
      return index < 0 ? undefined : this.unread.splice(index, 1)[0];
    }, what);
  }

  /** Every frame of this event pushed to this client, replies to its own requests left out. */
  received(event: string): Frame[] {
    return this.frames.filter((f) => f.event === event && f.id === undefined);
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.waitFor(() => (this.closed ? true : undefined), 'the connection to close');
  }

  private waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const settle = (end: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        end();
      };
      const check = (): void => {
        const found = find();
        if (found !== undefined) settle(() => resolve(found));
        else if (this.closed) settle(() => reject(new Error(\`the connection closed before \${what}\`)));
      };
      const timer = setTimeout(() => settle(() => reject(new Error(\`timed out after \${WAIT_MS} ms waiting for \${what}\`))), WAIT_MS);
      this.listeners.add(check);
      check();
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
`;
}
