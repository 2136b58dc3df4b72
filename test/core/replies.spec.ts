// When the server answers a frame and when it stays silent: a frame with an id
// always gets exactly one answer; one without an id gets an answer only when
// the handler returned something.
import { coreTestModule } from '../fixtures/core-test.module';
import { useApp } from '../support/test-app';
import type { TestClient } from '../support/test-client';

describe('replies', () => {
  const fixture = useApp(() => coreTestModule());

  /** Every text frame the client got after `connected`, in order, up to and including the answer to a marker request. */
  async function framesUntilMarker(client: TestClient): Promise<unknown[]> {
    await client.request('echo', 'marker');
    return client.received.flatMap((r) => (r.kind === 'text' && r.frame.event !== 'connected' ? [r.frame] : []));
  }

  it('sends nothing for a frame without an id whose handler returns nothing', async () => {
    const client = await fixture.connect();
    client.send({ event: 'replyMe', message: 'hi' });
    expect(await framesUntilMarker(client)).toEqual([
      { event: 'replied', message: 'hi', sender: client.id },
      { event: 'echo', message: 'marker', id: 'r1' },
    ]);
  });

  it('acknowledges a frame with an id whose handler returns nothing, once, with a null message', async () => {
    const client = await fixture.connect();
    client.send({ event: 'replyMe', message: 'hi', id: 'q' });
    expect(await framesUntilMarker(client)).toEqual([
      { event: 'replied', message: 'hi', sender: client.id },
      { event: 'replyMe', message: null, id: 'q' },
      { event: 'echo', message: 'marker', id: 'r1' },
    ]);
  });

  it('confirms joinRoom and leaveRoom only when they carry an id, and applies them either way', async () => {
    const client = await fixture.connect();
    client.send({ event: 'joinRoom', message: 'quiet' });
    client.send({ event: 'room', message: { room: 'quiet', text: 'in' } });
    client.send({ event: 'leaveRoom', message: 'quiet' });
    client.send({ event: 'room', message: { room: 'quiet', text: 'out' } });
    client.send({ event: 'joinRoom', message: 'loud', id: 'j' });
    client.send({ event: 'leaveRoom', message: 'loud', id: 'l' });
    expect(await framesUntilMarker(client)).toEqual([
      { event: 'room', message: 'in', room: 'quiet', sender: client.id },
      { event: 'joinRoom', message: { room: 'loud' }, id: 'j' },
      { event: 'leaveRoom', message: { room: 'loud' }, id: 'l' },
      { event: 'echo', message: 'marker', id: 'r1' },
    ]);
  });
});
