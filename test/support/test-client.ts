import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket, { type ClientOptions } from 'ws';
import { within } from './wait';
import { Waiters } from './waiters';

/** A frame as a client sees it on the wire. */
export interface Frame {
  event: string;
  message: any;
  sender?: string;
  room?: string;
  /** The offset of a history room's publication. */
  offset?: number;
  id?: string | number;
}

type Received = { kind: 'text'; frame: Frame } | { kind: 'binary'; data: Buffer };

const DEFAULT_WAIT = 3000;

/**
 * A real `ws` client that records every frame it receives, in order, and
 * lets a test wait for the next one that matches, with a bounded timeout.
 */
export class TestClient {
  readonly received: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  id = '';
  private readonly consumed = new Set<number>();
  private readonly waiters = new Waiters();
  private nextId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.received.push(isBinary ? { kind: 'binary', data } : { kind: 'text', frame: JSON.parse(data.toString()) });
      this.waiters.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.waiters.wake();
      });
    });
    socket.on('error', () => undefined);
  }

  /** Opens a connection and waits for its `connected` frame. */
  static async connect(url: string, options: ClientOptions & { protocols?: string | string[] } = {}): Promise<TestClient> {
    const { protocols, ...rest } = options;
    const socket = new WebSocket(url, protocols, rest);
    const client = new TestClient(socket);
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
        socket.once('unexpected-response', (_req, res: IncomingMessage) => reject(new Error(`HTTP ${res.statusCode}`)));
      }),
      DEFAULT_WAIT,
      `the connection to ${url} to open`,
    );
    const connected = await client.next((f) => f.event === 'connected', DEFAULT_WAIT, 'the connected frame');
    client.id = connected.message.id;
    return client;
  }

  /** Attempts a connection that the server should refuse; resolves to the HTTP status it answered. */
  static async refusedStatus(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<number> {
    return (await TestClient.refusal(url, options)).status;
  }

  /** Opens `url` expecting the handshake to be refused; the HTTP status, headers and body the server answered. */
  static async refusal(
    url: string,
    options: ClientOptions & { protocols?: string[] } = {},
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
    const { protocols, ...rest } = options;
    const socket = new WebSocket(url, protocols, rest);
    socket.on('error', () => undefined);
    return within(
      new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
        socket.once('unexpected-response', (_req, res: IncomingMessage) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.once('end', () => {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
            socket.terminate();
          });
        });
        socket.once('open', () => {
          socket.close();
          reject(new Error(`expected ${url} to be refused, but the connection opened`));
        });
      }),
      DEFAULT_WAIT,
      `the server to refuse ${url}`,
    );
  }

  send(frame: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  /**
   * Sends the frames in one write to the TCP socket, so the server reads them
   * in one go: past its first slice it pauses reading, and frames sent one
   * write at a time could then wait in TCP instead of reaching its inbox.
   */
  sendInOneWrite(frames: Record<string, unknown>[]): void {
    // ws keeps its net.Socket private; corking it is the only way to make its frames one write.
    const tcp = (this.socket as unknown as { _socket: Socket })._socket;
    tcp.cork();
    for (const frame of frames) this.send(frame);
    tcp.uncork();
  }

  sendRaw(data: string | Buffer, binary = Buffer.isBuffer(data)): void {
    this.socket.send(data, { binary });
  }

  /** Sends `{event, message, id}` and resolves with the frame that carries the same id (reply or exception). */
  async request(event: string, message?: unknown, extra: Record<string, unknown> = {}): Promise<Frame> {
    const id = `r${this.nextId++}`;
    this.send({ event, message, id, ...extra });
    return this.next((f) => f.id === id, DEFAULT_WAIT, `the reply to "${event}" (id ${id})`);
  }

  /** The first text frame not yet consumed by an earlier `next()` that matches; consumes it. */
  async next(match: (frame: Frame) => boolean = () => true, ms = DEFAULT_WAIT, what = 'a frame'): Promise<Frame> {
    const found = await this.waitFor((r) => r.kind === 'text' && match(r.frame), ms, what);
    return (found as Extract<Received, { kind: 'text' }>).frame;
  }

  /** The next binary frame. */
  async nextBinary(ms = DEFAULT_WAIT): Promise<Buffer> {
    const found = await this.waitFor((r) => r.kind === 'binary', ms, 'a binary frame');
    return (found as Extract<Received, { kind: 'binary' }>).data;
  }

  /** Every frame with this event pushed to this client so far (consumed or not), replies to its own requests left out. */
  framesOf(event: string): Frame[] {
    return this.received.flatMap((r) => (r.kind === 'text' && r.frame.event === event && r.frame.id === undefined ? [r.frame] : []));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await within(this.closed, DEFAULT_WAIT, 'the connection to close');
  }

  /** The first frame not consumed yet that matches, consumed once found. */
  private waitFor(match: (r: Received) => boolean, ms: number, what: string): Promise<Received> {
    const scan = (): Received | undefined => {
      for (let i = 0; i < this.received.length; i++) {
        if (!this.consumed.has(i) && match(this.received[i])) {
          this.consumed.add(i);
          return this.received[i];
        }
      }
      return undefined;
    };
    return this.waiters.until(
      scan,
      ms,
      () => `${what}; received so far: ${JSON.stringify(this.received.slice(-5))}`,
      () => (this.socket.readyState === WebSocket.CLOSED ? `connection closed while waiting for ${what}` : undefined),
    );
  }
}
