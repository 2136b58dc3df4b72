import { coreTestModule } from '../fixtures/core-test.module';
import { useApp } from '../support/test-app';

describe('the sender-bound emitter', () => {
  const fixture = useApp(() => coreTestModule());
  const connect = fixture.connect.bind(fixture);

  it('emit() reaches every connection on the route, sender included, and no other route', async () => {
    const [a, b, other] = [await connect(), await connect(), await connect('/ws/other')];
    await a.request('everyone', 'hi');
    for (const client of [a, b]) {
      const frame = await client.next((f) => f.event === 'everyone');
      expect(frame).toEqual({ event: 'everyone', message: 'hi', sender: a.id });
    }
    await other.request('everyone', 'marker');
    await other.next((f) => f.event === 'everyone' && f.message === 'marker');
    expect(other.framesOf('everyone').map((f) => f.message)).toEqual(['marker']);
  });

  it('emitExceptSender() reaches the route minus the sender', async () => {
    const [a, b] = [await connect(), await connect()];
    await a.request('everyoneElse', 'psst');
    expect(await b.next((f) => f.event === 'everyoneElse')).toEqual({ event: 'everyoneElse', message: 'psst', sender: a.id });
    // A marker the sender does receive, sent after: anything sent before it would be there already.
    await a.request('everyone', 'marker');
    await a.next((f) => f.event === 'everyone');
    expect(a.framesOf('everyoneElse')).toEqual([]);
  });

  it('room(r).emit() reaches members only, sender included if a member, with the room field', async () => {
    const [a, b, outsider] = [await connect(), await connect(), await connect()];
    await a.request('joinRoom', 'lobby');
    await b.request('joinRoom', 'lobby');
    await a.request('room', { room: 'lobby', text: 'hello lobby' });
    for (const client of [a, b]) {
      expect(await client.next((f) => f.event === 'room')).toEqual({ event: 'room', message: 'hello lobby', sender: a.id, room: 'lobby' });
    }
    await a.request('everyone', 'marker');
    await outsider.next((f) => f.event === 'everyone');
    expect(outsider.framesOf('room')).toEqual([]);
  });

  it('room(r).emit() from a non-member reaches the members and not the sender', async () => {
    const [a, b] = [await connect(), await connect()];
    await b.request('joinRoom', 'quiet');
    await a.request('room', { room: 'quiet', text: 'knock' });
    expect(await b.next((f) => f.event === 'room')).toMatchObject({ message: 'knock', sender: a.id, room: 'quiet' });
    await a.request('everyone', 'marker');
    await a.next((f) => f.event === 'everyone');
    expect(a.framesOf('room')).toEqual([]);
  });

  it('room(r).emitExceptSender() skips the sender only, and leaves the original emitter unchanged', async () => {
    const [a, b, c, outsider] = [await connect(), await connect(), await connect(), await connect()];
    for (const client of [a, b, c]) await client.request('joinRoom', 'team');
    await a.request('roomElse', { room: 'team', text: 'go' });
    for (const client of [b, c]) {
      expect(await client.next((f) => f.event === 'roomElse')).toEqual({ event: 'roomElse', message: 'go', sender: a.id, room: 'team' });
    }
    // After room(r), the handler's own emitter still reaches the whole route, sender and non-members included, with no room.
    for (const client of [a, b, c, outsider]) {
      expect(await client.next((f) => f.event === 'afterScope')).toEqual({ event: 'afterScope', message: 'go', sender: a.id });
    }
    expect(a.framesOf('roomElse')).toEqual([]);
    expect(outsider.framesOf('roomElse')).toEqual([]);
  });

  it('to(id).emit() reaches exactly that connection', async () => {
    const [a, b, c] = [await connect(), await connect(), await connect()];
    await a.request('direct', { to: b.id, text: 'just you' });
    expect(await b.next((f) => f.event === 'direct')).toEqual({ event: 'direct', message: 'just you', sender: a.id });
    await a.request('everyone', 'marker');
    for (const client of [a, c]) {
      await client.next((f) => f.event === 'everyone');
      expect(client.framesOf('direct')).toEqual([]);
    }
  });

  it('reply() reaches the sender only', async () => {
    const [a, b] = [await connect(), await connect()];
    await a.request('replyMe', 42);
    expect(await a.next((f) => f.event === 'replied')).toEqual({ event: 'replied', message: 42, sender: a.id });
    await a.request('everyone', 'marker');
    await b.next((f) => f.event === 'everyone');
    expect(b.framesOf('replied')).toEqual([]);
  });
});
