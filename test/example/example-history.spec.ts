// The example's history rooms (issue #13): `chat` on /ws and the rooms of
// /ws/chat/:roomId, where a client that adds `join=client` joins the room
// itself and can rejoin `since` the last message it saw.
import { ChatServer } from '../support/chat-server';
import { TestClient } from '../support/test-client';

describe('the example chat app keeps history', () => {
  let server: ChatServer;
  const clients: TestClient[] = [];
  const connect = async (path: string): Promise<TestClient> => {
    const client = await TestClient.connect(server.ws(path));
    clients.push(client);
    return client;
  };
  const say = async (client: TestClient, text: string) =>
    expect((await client.request('message', { text })).message).toEqual({ sent: true });
  const texts = (client: TestClient) => client.framesOf('message').map((f) => [f.message.text, f.offset]);

  beforeAll(async () => {
    server = await new ChatServer().start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => server.stop());

  it('on /ws/chat/:roomId with join=client: a page that was away gets the messages it missed, once, in order', async () => {
    const ann = await connect('/ws/chat/history-1?name=Ann&join=client');
    expect((await ann.next((f) => f.event === 'room_joined')).message).toEqual({
      roomId: 'history-1',
      members: [{ id: ann.id, name: 'Ann' }],
      memberCount: 1,
    });
    const joined = (await ann.request('joinRoom', 'history-1')).message;
    // Its own user_joined notice (which left it out) was the room's first publication.
    expect(joined).toEqual({ room: 'history-1', epoch: expect.any(String), offset: 1 });
    const bob = await connect('/ws/chat/history-1?name=Bob');
    await bob.next((f) => f.event === 'room_joined');
    await say(bob, 'one');
    await ann.next((f) => f.event === 'message' && f.message.text === 'one', 3000, 'the first message');
    const seen = ann.framesOf('message').at(-1)!.offset!;
    await ann.close();
    await say(bob, 'two');
    await say(bob, 'three');

    const back = await connect('/ws/chat/history-1?name=Ann&join=client');
    await back.next((f) => f.event === 'room_joined');
    const reply = (await back.request('joinRoom', 'history-1', { since: { epoch: joined.epoch, offset: seen }, previous: ann.id })).message;
    // Bob's own join notice and Ann's leave notice are publications of the room too.
    expect(reply).toMatchObject({ room: 'history-1', epoch: joined.epoch, recovered: true });
    await back.next((f) => f.event === 'message' && f.message.text === 'three', 3000, 'the last missed message');
    expect(texts(back)).toEqual([
      ['two', seen + 2],
      ['three', seen + 3],
    ]);
    expect(back.framesOf('user_left').map((f) => f.message.name)).toEqual(['Ann']);
  });
});
