// Room recovery (issue #13, "Nothing lost on reconnect"): the client remembers
// where it is in each history room and resumes from there after a reconnect.
// The server side does not exist yet, so a scripted server on a real socket
// speaks the protocol (support/history-server.ts), and each test cuts the
// connection (close 1006) to make the client reconnect.
import { connect, type SwitchboardClient } from '../../client/node';
import { Waiters } from '../support/waiters';
import { HistoryServer, type ScriptedConnection } from './support/history-server';

/** What the scripted server publishes: `msg` frames whose message is a text. */
interface ServerEvents {
  msg: string;
}

type Client = SwitchboardClient<ServerEvents>;

/** Reconnects within a few ms of the cut, so no wait below is spent on the backoff. */
const FAST = { initialDelay: 20, maxDelay: 40 };
/** How long anything that needs only loopback round trips may take on a loaded CI machine. */
const WAIT = 3000;

/**
 * Everything the app's handlers heard, in order, as `[event, message,
 * sender, room]`: `msg` frames and the client's `recovered` and
 * `notRecovered` events.
 */
class AppLog {
  readonly heard: unknown[][] = [];
  private readonly waiters = new Waiters();

  constructor(client: Client) {
    client.on('msg', (...args) => this.add('msg', ...args));
    client.on('recovered', (...args) => this.add('recovered', ...args));
    client.on('notRecovered', (...args) => this.add('notRecovered', ...args));
  }

  /** Waits until the app heard the client's own event `event`. */
  async waitForEvent(event: 'recovered' | 'notRecovered'): Promise<void> {
    await this.waiters.until(
      () => this.heard.find(([heard]) => heard === event),
      WAIT,
      () => `the app to hear ${event}; it heard ${JSON.stringify(this.heard)}`,
    );
  }

  /** Waits until the app heard the `msg` frame with `text`. */
  async waitForMsg(text: string): Promise<void> {
    await this.waiters.until(
      () => this.heard.find(([event, message]) => event === 'msg' && message === text),
      WAIT,
      () => `the app to hear msg "${text}"; it heard ${JSON.stringify(this.heard)}`,
    );
  }

  private add(...entry: unknown[]): void {
    this.heard.push(entry);
    this.waiters.wake();
  }
}

const isJoin = (room: string) => (frame: any) => frame.event === 'joinRoom' && frame.message === room;
/** A `msg` frame of `room` as the app's handler gets it. */
const msg = (text: string, room = 'chat') => ['msg', text, undefined, room];

describe('client SDK room recovery against a scripted history server', () => {
  let server: HistoryServer;
  const clients: Client[] = [];
  const open = (): { client: Client; log: AppLog } => {
    const client = connect<ServerEvents>(server.url, { reconnect: FAST });
    clients.push(client);
    return { client, log: new AppLog(client) };
  };
  /** Cuts `connection` and resolves with the client's next one, once it received the rejoin of `room`. */
  const cutAndRejoin = async (connection: ScriptedConnection, room: string): Promise<{ next: ScriptedConnection; rejoin: any }> => {
    const n = server.connections.indexOf(connection) + 1;
    connection.terminate();
    const next = await server.connection(n + 1, WAIT);
    return { next, rejoin: await next.waitFor(isJoin(room), `the rejoin of "${room}"`, WAIT) };
  };

  beforeEach(async () => {
    // `chat` keeps history; any other room does not.
    server = await new HistoryServer(['chat'], 100).start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
  });

  it('rejoins since the last frame seen, naming the previous connection; the missed frames follow `recovered`, once and in order', async () => {
    const { client, log } = open();
    await Promise.all([client.joinRoom('chat'), client.joinRoom('lobby')]);
    const first = await server.connection(1);
    // A first join sends neither `since` nor `previous`.
    expect(first.received.filter((f) => f.event === 'joinRoom')).toEqual([
      { event: 'joinRoom', message: 'chat', id: expect.anything() },
      { event: 'joinRoom', message: 'lobby', id: expect.anything() },
    ]);
    expect(client.positionOf('chat')).toEqual({ epoch: 'epoch-1', offset: 100 });
    expect(client.positionOf('lobby')).toBeUndefined();

    for (const text of ['m1', 'm2', 'm3']) server.publish('chat', 'msg', text);
    server.publish('lobby', 'msg', 'l1');
    await log.waitForMsg('l1');
    expect(client.positionOf('chat')).toEqual({ epoch: 'epoch-1', offset: 103 });

    first.terminate();
    // Published while the client is away: `chat` keeps them, `lobby` does not.
    expect([server.publish('chat', 'msg', 'm4'), server.publish('chat', 'msg', 'm5')]).toEqual([104, 105]);
    server.publish('lobby', 'msg', 'lost');
    const second = await server.connection(2, WAIT);
    const rejoinChat = await second.waitFor(isJoin('chat'), 'the rejoin of chat', WAIT);
    expect(rejoinChat).toEqual({
      event: 'joinRoom',
      message: 'chat',
      since: { epoch: 'epoch-1', offset: 103 },
      previous: first.id,
      id: expect.anything(),
    });
    // A room without history has no position to send.
    expect(await second.waitFor(isJoin('lobby'), 'the rejoin of lobby', WAIT)).toEqual({
      event: 'joinRoom',
      message: 'lobby',
      previous: first.id,
      id: expect.anything(),
    });

    await log.waitForMsg('m5');
    server.publish('chat', 'msg', 'm6');
    await log.waitForMsg('m6');
    expect(log.heard).toEqual([
      msg('m1'),
      msg('m2'),
      msg('m3'),
      msg('l1', 'lobby'),
      ['recovered', { room: 'chat', missed: 2, epoch: 'epoch-1', offset: 105 }, undefined, 'chat'],
      msg('m4'),
      msg('m5'),
      msg('m6'),
    ]);
    expect(client.positionOf('chat')).toEqual({ epoch: 'epoch-1', offset: 106 });
    expect(client.rooms).toEqual(['chat', 'lobby']);
  });

  it('a rejoin the server cannot resume emits `notRecovered` and restarts the position from the reply', async () => {
    const { client, log } = open();
    await client.joinRoom('chat');
    server.publish('chat', 'msg', 'before');
    await log.waitForMsg('before');

    const first = await server.connection(1);
    first.terminate();
    // The store lost the room's history while the client was away: a new epoch, offsets from 7.
    server.loseHistory('epoch-2', 7);
    const second = await server.connection(2, WAIT);
    expect(await second.waitFor(isJoin('chat'), 'the rejoin of chat', WAIT)).toMatchObject({ since: { epoch: 'epoch-1', offset: 101 } });

    // Offset 8 is below the old position (101): it reaches the app only because the position restarted at 7.
    server.publish('chat', 'msg', 'after');
    await log.waitForMsg('after');
    expect(log.heard).toEqual([
      msg('before'),
      ['notRecovered', { room: 'chat', epoch: 'epoch-2', offset: 7 }, undefined, 'chat'],
      msg('after'),
    ]);
    expect(client.positionOf('chat')).toEqual({ epoch: 'epoch-2', offset: 8 });
  });

  it("hands the app a room frame below the position (the server lost the room's history and began again), and the next rejoin is not recovered", async () => {
    const { client, log } = open();
    await client.joinRoom('chat');
    const first = await server.connection(1);
    server.publish('chat', 'msg', 'd1');
    await log.waitForMsg('d1');
    // The server's history is gone; its new stream starts over at offset 1, which frames cannot say but by their offset.
    server.loseHistory('epoch-2', 0);
    server.publish('chat', 'msg', 'new stream');
    await log.waitForMsg('new stream');
    expect(client.positionOf('chat')).toEqual({ epoch: 'epoch-1', offset: 1 });

    const { rejoin } = await cutAndRejoin(first, 'chat');
    expect(rejoin.since).toEqual({ epoch: 'epoch-1', offset: 1 });
    await log.waitForEvent('notRecovered');
    expect(log.heard).toEqual([
      msg('d1'),
      msg('new stream'),
      ['notRecovered', { room: 'chat', epoch: 'epoch-2', offset: 1 }, undefined, 'chat'],
    ]);
    expect(client.positionOf('chat')).toEqual({ epoch: 'epoch-2', offset: 1 });
  });

  it('tries a rejoin the server could not complete (INTERNAL) again, and recovers, instead of giving the room up', async () => {
    const { client, log } = open();
    await client.joinRoom('chat');
    const first = await server.connection(1);
    server.publish('chat', 'msg', 'seen');
    await log.waitForMsg('seen');
    server.refuseRejoins = 2;
    first.terminate();
    server.publish('chat', 'msg', 'missed');
    const second = await server.connection(2, WAIT);
    await log.waitForMsg('missed');
    expect(second.received.filter(isJoin('chat'))).toHaveLength(3);
    expect(log.heard).toEqual([
      msg('seen'),
      ['recovered', { room: 'chat', missed: 1, epoch: 'epoch-1', offset: 102 }, undefined, 'chat'],
      msg('missed'),
    ]);
    expect(client.rooms).toEqual(['chat']);
  });

  it('a room left while offline forgets its position: joined again, its rejoin sends no `since` and emits neither event', async () => {
    const { client, log } = open();
    await client.joinRoom('chat');
    server.publish('chat', 'msg', 'm1');
    await log.waitForMsg('m1');
    expect(client.positionOf('chat')).toEqual({ epoch: 'epoch-1', offset: 101 });

    let joinedAgain: Promise<void> | undefined;
    let positionAfterLeave: unknown = 'not left yet';
    // While reconnecting (no connection in the room), so the leave resolves at once and the join waits for the next connection.
    const off = client.onReconnecting(() => {
      off();
      void client.leaveRoom('chat');
      positionAfterLeave = client.positionOf('chat');
      joinedAgain = client.joinRoom('chat');
    });
    const { rejoin } = await cutAndRejoin(await server.connection(1), 'chat');
    expect(positionAfterLeave).toBeUndefined();
    expect(rejoin).toEqual({ event: 'joinRoom', message: 'chat', previous: 'conn-1', id: expect.anything() });
    await joinedAgain;
    expect(client.positionOf('chat')).toEqual({ epoch: 'epoch-1', offset: 101 });

    server.publish('chat', 'msg', 'm2');
    await log.waitForMsg('m2');
    expect(log.heard).toEqual([msg('m1'), msg('m2')]);
  });

  it('`previous` names the connection just before, after several reconnects', async () => {
    const { client, log } = open();
    await client.joinRoom('chat');
    const first = await server.connection(1);
    const { next: second, rejoin: secondRejoin } = await cutAndRejoin(first, 'chat');
    expect(secondRejoin).toMatchObject({ since: { epoch: 'epoch-1', offset: 100 }, previous: 'conn-1' });
    server.publish('chat', 'msg', 'between');
    await log.waitForMsg('between');

    const { rejoin: thirdRejoin } = await cutAndRejoin(second, 'chat');
    expect(thirdRejoin).toMatchObject({ since: { epoch: 'epoch-1', offset: 101 }, previous: 'conn-2' });
  });
});
