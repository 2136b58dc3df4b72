// `closeTimeout` (README, Limits and bad input): on shutdown every client is
// closed with 1001; one that answers goes at once, one that never answers
// the close is terminated `closeTimeout` ms later (default 2 s), and
// `app.close()` waits for that, not longer.
import { coreTestModule } from '../fixtures/core-test.module';
import { openNonReadingSocket, RawFrameReader } from '../support/raw-socket';
import { startApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { within } from '../support/wait';

/** The documented default. */
const DEFAULT_CLOSE_TIMEOUT = 2000;
/** How late a timer may run on a busy 2-core machine; measured here: under 10 ms. */
const TIMER_SLACK = 500;

/**
 * Shuts down an app holding a client that answers the close and one that
 * reads but never answers it; checks that the first goes at once with 1001,
 * that the silent one reads its 1001 and is cut `closeTimeout` ms after the
 * shutdown began, and that `app.close()` resolves right after.
 */
async function shutDownWith(closeTimeout: number, options: { closeTimeout?: number }): Promise<void> {
  const server = await startApp(coreTestModule(options));
  const polite = await TestClient.connect(server.ws('/ws'));
  const { socket } = await openNonReadingSocket(server.port, '/ws');
  const silent = new RawFrameReader(socket);
  silent.resume();
  try {
    const began = Date.now();
    const closing = server.close();
    const politeClose = await within(polite.closed, closeTimeout, 'the client that answers the close to be closed before the timeout');
    expect(politeClose).toEqual({ code: 1001, reason: 'server shutting down' });
    const politeMs = Date.now() - began;

    const cutAt = await within(silent.ended, closeTimeout + 2 * TIMER_SLACK, () => `the silent client to be terminated; ${silent.state()}`);
    expect(silent.close).toMatchObject({ code: 1001, reason: 'server shutting down' });
    await within(closing, closeTimeout, 'app.close() to resolve once every client is gone');
    const closedMs = Date.now() - began;
    const cutMs = cutAt - began;
    process.stdout.write(
      `[figures] closeTimeout ${closeTimeout} ms: answering client closed after ${politeMs} ms, silent one cut after ${cutMs} ms, app.close() resolved after ${closedMs} ms\n`,
    );
    // Not before the timeout (it had its chance to answer), and not much later: the timer, not ws' own 30 s.
    expect(cutMs).toBeGreaterThanOrEqual(closeTimeout - 20);
    expect(cutMs).toBeLessThanOrEqual(closeTimeout + TIMER_SLACK);
    expect(closedMs).toBeGreaterThanOrEqual(cutMs);
    expect(closedMs).toBeLessThanOrEqual(closeTimeout + TIMER_SLACK);
  } finally {
    socket.destroy();
    await polite.close();
  }
}

describe('closeTimeout: how long clients get to answer the shutdown close', () => {
  it('terminates a client that never answers the 1001 close after closeTimeout, while one that answers goes at once', async () => {
    // Far enough from the default that a closeTimeout ignored shows.
    await shutDownWith(400, { closeTimeout: 400 });
  });

  it(`defaults to ${DEFAULT_CLOSE_TIMEOUT} ms`, async () => {
    await shutDownWith(DEFAULT_CLOSE_TIMEOUT, {});
  });
});
