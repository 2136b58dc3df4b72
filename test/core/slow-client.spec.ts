// The slow-client policy (README, Limits and bad input: `highWaterMark` /
// `slowClientPolicy`), against a real socket that stops reading:
// - `disconnect` (the default): closed with 1013, and cut 1 s later if it
//   still does not read (bad-input.spec.ts covers a client that reads again);
// - `drop`: the connection stays, frames for it past the mark are skipped,
//   and frames sent once it has caught up arrive.
import { RealtimeService, type DisconnectInfo, type WsConnection } from '../../src';
import { coreTestModule } from '../fixtures/core-test.module';
import { openNonReadingSocket, RawFrameReader } from '../support/raw-socket';
import { startApp, type RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { eventually, within } from '../support/wait';

/** How long a client closed for reading too slowly has before the server cuts its socket (client-connection.ts). */
const SLOW_CLIENT_GRACE_MS = 1000;
const HIGH_WATER_MARK = 128 * 1024;
/** Big enough that the kernel's socket buffers fill in tens of frames, small next to the mark. */
const CHUNK = 'z'.repeat(32 * 1024);
/** No test offers more than this many frames (32 MiB); a policy that never fires fails the test. */
const MOST_FRAMES = 1000;

/** Sends numbered frames to `id` until one is refused; resolves to how many were taken and when the refusal happened. */
async function fillUntilRefused(realtime: RealtimeService, id: string): Promise<{ taken: number; refusedAt: number }> {
  for (let n = 1; n <= MOST_FRAMES; n++) {
    if ((await realtime.emitTo(id, 'bulk', { n, pad: CHUNK })) !== 1) return { taken: n - 1, refusedAt: Date.now() };
    // Let the event loop run now and then, so the kernel buffers fill as they would in production.
    if (n % 25 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`${MOST_FRAMES} frames (${(MOST_FRAMES * CHUNK.length) >> 20} MiB) were all taken for a client that does not read`);
}

const numbers = (reader: RawFrameReader): unknown[] =>
  reader.texts.map((f) => (f.event === 'bulk' ? (f.message as { n: number }).n : f.event));

describe('slow clients', () => {
  let server: RunningApp | undefined;
  const connections = new Map<string, WsConnection>();
  const disconnects: { info: DisconnectInfo; at: number }[] = [];
  const hooks = {
    onConnect: (connection: WsConnection) => void connections.set(connection.id, connection),
    onDisconnect: (info: DisconnectInfo) => void disconnects.push({ info, at: Date.now() }),
  };
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('disconnect: a client that never reads again is cut 1 s after the policy fired, and leaves the registry then', async () => {
    server = await startApp(coreTestModule({ limits: { highWaterMark: HIGH_WATER_MARK }, hooks }));
    const realtime = server.app.get(RealtimeService);
    const { socket, id } = await openNonReadingSocket(server.port, '/ws');
    const bystander = await TestClient.connect(server.ws('/ws'));
    try {
      const { taken, refusedAt } = await fillUntilRefused(realtime, id);
      // Closed, not yet gone: the close frame waits behind what the client does not read.
      const connection = connections.get(id)!;
      expect(connection.socket.readyState).toBe(connection.socket.CLOSING);
      const cut = (await eventually(
        () => disconnects.find((d) => d.info.id === id),
        SLOW_CLIENT_GRACE_MS * 3,
        'the on-disconnect hook of the slow client',
      ))!;
      const after = cut.at - refusedAt;
      process.stdout.write(`[figures] slow client (never reads): ${taken} frames taken, cut ${after} ms after the policy fired\n`);
      expect(after).toBeGreaterThanOrEqual(SLOW_CLIENT_GRACE_MS - 20);
      expect(after).toBeLessThanOrEqual(SLOW_CLIENT_GRACE_MS * 1.5);
      expect(await realtime.getConnectionInfo(id)).toBeNull();

      // Reading now, it gets what was in flight and then the end of the stream: nothing waits for it any more.
      const reader = new RawFrameReader(socket);
      reader.resume();
      await within(reader.ended, 3000, () => `the cut stream to end for the client; ${reader.state()}`);
      if (reader.close) expect(reader.close.code).toBe(1013);
      expect(numbers(reader)).toEqual(Array.from({ length: reader.texts.length }, (_, i) => i + 1));
      expect(await bystander.request('echo', 'unaffected')).toMatchObject({ message: 'unaffected' });
    } finally {
      socket.destroy();
      await bystander.close();
    }
  });

  it('drop: the connection stays, frames past the mark are skipped, and frames sent once it caught up arrive', async () => {
    server = await startApp(coreTestModule({ limits: { highWaterMark: HIGH_WATER_MARK, slowClientPolicy: 'drop' }, hooks }));
    const realtime = server.app.get(RealtimeService);
    const { socket, id } = await openNonReadingSocket(server.port, '/ws');
    const reader = new RawFrameReader(socket);
    try {
      const { taken } = await fillUntilRefused(realtime, id);
      const connection = connections.get(id)!;
      expect(connection.socket.bufferedAmount).toBeGreaterThan(HIGH_WATER_MARK);
      // Still over the mark: every further frame is skipped, and the connection stays open.
      const skipped = [];
      for (let n = taken + 2; n <= taken + 10; n++) skipped.push(await realtime.emitTo(id, 'bulk', { n, pad: CHUNK }));
      expect(skipped).toEqual(Array(9).fill(0));
      expect(connection.socket.readyState).toBe(connection.socket.OPEN);
      expect(await realtime.getConnectionInfo(id)).toMatchObject({ id });

      // The client reads again: it gets every frame that was taken, in order, and none that was skipped.
      reader.resume();
      await reader.until(
        () => reader.texts.length >= taken,
        5000,
        () => `the ${taken} frames taken before the mark`,
      );
      expect(numbers(reader)).toEqual(Array.from({ length: taken }, (_, i) => i + 1));
      // Once the server's buffer for it has drained, frames go out again.
      await eventually(
        () => connection.socket.bufferedAmount === 0,
        3000,
        () => `the send buffer to drain (${connection.socket.bufferedAmount} bytes left)`,
      );
      expect(await realtime.emitTo(id, 'afterDrain', 'caught up')).toBe(1);
      await reader.until(() => reader.texts.length > taken, 3000, 'the frame sent after the buffer drained');
      expect(reader.texts.slice(taken)).toEqual([{ event: 'afterDrain', message: 'caught up' }]);
      expect(reader.close).toBeUndefined();
      expect(connection.socket.readyState).toBe(connection.socket.OPEN);
      expect(disconnects.filter((d) => d.info.id === id)).toEqual([]);
    } finally {
      socket.destroy();
    }
  });
});
