import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { within } from './wait';

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
  await within(
    new Promise<void>((resolve) => socket.once('connect', () => resolve())),
    3000,
    `a TCP connection to port ${port}`,
  );
  return { socket, closed };
}
