import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { describeWait, within, type WaitDescription } from './wait';
import { Waiters } from './waiters';

/**
 * Opens a WebSocket by hand over a plain TCP socket and returns it paused
 * after the handshake: a peer that never reads, which no `ws` client can be.
 * Resolves with the socket and the connection id from the first frame.
 */
export async function openNonReadingSocket(port: number, path: string): Promise<{ socket: Socket; id: string }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const id = await within(
    new Promise<string>((resolve, reject) => {
      let buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        buffer = Buffer.concat([buffer, chunk]);
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buffer.subarray(0, 12).toString().includes('101')) return reject(new Error(buffer.toString()));
        const frame = buffer.subarray(end + 4);
        // The connected frame is a short unmasked text frame: 0x81, length, payload.
        if (frame.length < 2 || frame.length < 2 + frame[1]) return;
        socket.off('data', onData);
        socket.pause();
        resolve(JSON.parse(frame.subarray(2, 2 + frame[1]).toString()).message.id);
      };
      socket.on('data', onData);
    }),
    3000,
    `the handshake of a raw socket to ${path}`,
  );
  return { socket, id };
}

/**
 * Opens a TCP connection that never sends a byte, as a browser's preconnect
 * does; resolves once the server accepted it and with a promise of its close.
 */
export async function openSilentSocket(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await within(new Promise<void>((resolve) => socket.once('connect', () => resolve())), 3000, `a TCP connection to port ${port}`);
  return { socket, closed };
}

/** A close frame as the client read it off the wire. */
export interface CloseFrame {
  readonly code: number;
  readonly reason: string;
  /** `Date.now()` when it was read. */
  readonly at: number;
}

/**
 * Reads the server's frames off a raw socket left paused by
 * `openNonReadingSocket()`, once `resume()` is
 * called: a client that stopped reading and starts again. It never answers
 * anything (no close reply, no pong), so what ends the TCP stream is the
 * server alone; `ended` resolves with the time the stream ended.
 */
export class RawFrameReader {
  /** Text frames read so far, parsed. */
  readonly texts: { event: string; message: unknown }[] = [];
  close?: CloseFrame;
  /** Resolves with `Date.now()` when the TCP stream ended (FIN or reset). */
  readonly ended: Promise<number>;
  private buffer = Buffer.alloc(0);
  private readonly waiters = new Waiters();
  private endedAt?: number;

  constructor(private readonly socket: Socket) {
    this.ended = new Promise<number>((resolve) => {
      const end = (): void => {
        this.endedAt ??= Date.now();
        resolve(this.endedAt);
        this.wake();
      };
      socket.once('end', end);
      socket.once('close', end);
    });
    // The socket was paused explicitly, so this listener does not start the flow: resume() does.
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.parse();
      this.wake();
    });
  }

  resume(): void {
    this.socket.resume();
  }

  /** Resolves once `done()` holds, re-checked after each chunk read; fails after `ms` or if the stream ends first. */
  async until(done: () => boolean, ms: number, what: WaitDescription): Promise<void> {
    await this.waiters.until(
      () => (done() ? true : undefined),
      ms,
      () => `${describeWait(what)}; ${this.state()}`,
      () => (this.endedAt !== undefined ? `the stream ended before ${describeWait(what)}; ${this.state()}` : undefined),
    );
  }

  /** What was read so far, for failure messages. */
  state(): string {
    const last = this.texts.at(-1);
    return `read ${this.texts.length} text frames (last: ${JSON.stringify(last)?.slice(0, 80)}), close frame: ${JSON.stringify(this.close)}, ended: ${this.endedAt !== undefined}`;
  }

  private parse(): void {
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const opcode = b[0] & 0x0f;
      let length = b[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      // Server frames are never masked.
      if (b.length < offset + length) return;
      const payload = b.subarray(offset, offset + length);
      this.buffer = b.subarray(offset + length);
      if (opcode === 0x1) this.texts.push(JSON.parse(payload.toString()) as { event: string; message: unknown });
      else if (opcode === 0x8) {
        this.close = { code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005, reason: payload.subarray(2).toString(), at: Date.now() };
      }
    }
  }

  private wake(): void {
    this.waiters.wake();
  }
}
