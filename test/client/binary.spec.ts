import { SwitchboardModule } from '../../src';
import { FilesController, FilesGateway } from '../fixtures/files-app';
import { connect, type SwitchboardClient } from '../../client/node';
import { startApp, type RunningApp } from '../support/test-app';
import { Waiters } from '../support/waiters';

/** Every binary frame a client received, as plain byte arrays. */
function binaryOf(client: SwitchboardClient): { frames: number[][]; next(count: number, what: string): Promise<number[][]> } {
  const frames: number[][] = [];
  const waiters = new Waiters();
  client.onBinary((data) => {
    expect(data).toBeInstanceOf(Uint8Array);
    frames.push([...data]);
    waiters.wake();
  });
  return {
    frames,
    next: (count, what) =>
      waiters.until(
        () => (frames.length >= count ? frames : undefined),
        3000,
        () => `${what}; got ${JSON.stringify(frames)}`,
      ),
  };
}

describe('client SDK: binary frames', () => {
  let server: RunningApp;
  const clients: SwitchboardClient[] = [];
  const open = (): SwitchboardClient => {
    const client = connect(server.ws('/ws'));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startApp({ imports: [SwitchboardModule.forRoot()], providers: [FilesController, FilesGateway] });
  });
  afterEach(() => Promise.all(clients.splice(0).map((c) => c.close())));
  afterAll(() => server.close());

  it('sends bytes to an @OnBinary() route and receives binary replies and room broadcasts, but not its own', async () => {
    const [sender, member] = [open(), open()];
    const [mine, theirs] = [binaryOf(sender), binaryOf(member)];
    await Promise.all([sender.joinRoom('files'), member.joinRoom('files')]);
    expect(sender.emitBinary(new Uint8Array([1, 2, 3]))).toBe(true);
    expect(await mine.next(1, 'the reversed bytes come back to the sender')).toEqual([[3, 2, 1]]);
    expect(await theirs.next(1, 'the room member gets the bytes')).toEqual([[1, 2, 3]]);
    // Except-sender: a text request after it shows nothing else was on its way to the sender.
    await sender.joinRoom('other');
    expect(mine.frames).toEqual([[3, 2, 1]]);
  });

  it('takes an ArrayBuffer or any view of one (its own bytes only), and copies them when called', async () => {
    const sender = open();
    const mine = binaryOf(sender);
    const backing = new Uint8Array([9, 8, 7, 6, 5]);
    sender.emitBinary(backing.buffer);
    sender.emitBinary(new DataView(backing.buffer, 1, 2));
    sender.emitBinary(new Uint16Array([0x0102]));
    // Queued until the connection is up: changing the source now does not change what is sent.
    backing[0] = 0;
    expect(await mine.next(3, 'three reversed replies')).toEqual([
      [5, 6, 7, 8, 9],
      [7, 8],
      [...new Uint8Array(new Uint16Array([0x0102]).buffer)].reverse(),
    ]);
  });

  it('queues binary frames while offline, in order with text frames, and refuses them once closed', async () => {
    const sender = open();
    const mine = binaryOf(sender);
    expect(sender.state).toBe('connecting');
    sender.emitBinary(new Uint8Array([1]));
    const joined = sender.joinRoom('files');
    sender.emitBinary(new Uint8Array([2]));
    expect(sender.queued).toBe(2);
    await joined;
    expect(await mine.next(2, 'both queued frames answered, in order')).toEqual([[1], [2]]);
    await sender.close();
    expect(sender.emitBinary(new Uint8Array([3]))).toBe(false);
  });
});
