import { EventEmitter } from 'node:events';
import {
  ClusterIpcBackplane,
  RuntimeErrorCode,
  SwitchboardBootError,
  SwitchboardError,
  type BackplaneMessage,
  type IpcChannel,
} from '../../src';
import { IPC_TAG, decodeWorkerMessage, type WorkerIpcMessage } from '../../src/backplanes/cluster-ipc-message';
import { decodeNodeMessage, encodeNodeMessage } from '../../src/backplanes/node-codec';

/** A worker's IPC channel whose primary side the test plays: it sees what the worker sends and answers or not. */
class FakeChannel extends EventEmitter implements IpcChannel {
  connected = true;
  readonly sent: WorkerIpcMessage[] = [];
  answer = true;
  /** When set, the primary answers every call with this error instead of a result. */
  failure?: string;

  send(message: unknown): boolean {
    const decoded = decodeWorkerMessage(message);
    if (!decoded) throw new Error(`the worker sent something the primary cannot read: ${JSON.stringify(message)}`);
    this.sent.push(decoded);
    if (this.answer && decoded.type === 'call') {
      const { seq } = decoded;
      const answer = this.failure === undefined ? { type: 'result', seq, value: null } : { type: 'error', seq, error: this.failure };
      queueMicrotask(() => this.emit('message', { [IPC_TAG]: 1, ...answer }));
    }
    return true;
  }
}

/** What `promise` rejected with; fails when it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

const deliver: BackplaneMessage = {
  type: 'deliver',
  target: { type: 'all' },
  frame: Buffer.from('{"event":"x","message":1}'),
  binary: false,
};

describe('ClusterIpcBackplane (worker side, against a scripted primary)', () => {
  it('publishes encoded bytes naming its node, and hands on only tagged messages from other nodes', async () => {
    const channel = new FakeChannel();
    const backplane = new ClusterIpcBackplane({ channel, nodeId: 'w1' });
    const received: string[] = [];
    await backplane.start((message, from) =>
      received.push(`${from}:${message.type}:${message.type === 'deliver' ? message.frame.toString() : ''}`),
    );
    expect(channel.sent[0]).toMatchObject({ type: 'call', node: 'w1', call: { op: 'hello' } });
    backplane.send(deliver);
    const published = channel.sent.at(-1) as Extract<WorkerIpcMessage, { type: 'publish' }>;
    // The node id is in the bytes only, once; the bytes travel one character each (latin1) over Node's JSON IPC.
    expect(Object.keys(published).sort()).toEqual([IPC_TAG, 'payload', 'type'].sort());
    const crossed = JSON.parse(JSON.stringify(published)) as typeof published;
    expect(decodeNodeMessage(Buffer.from(crossed.payload, 'latin1'))).toMatchObject({ node: 'w1', msg: deliver });

    const payload = (node: string): string => encodeNodeMessage({ node, seq: 1, msg: deliver }).toString('latin1');
    channel.emit('message', { type: 'message', payload: payload('w2') }); // the app's own IPC: no tag
    channel.emit('message', 'plain string from the app');
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: payload('w2'), to: 'w3' }); // for another app in this worker
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: payload('w1') }); // its own
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: 'garbage' });
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: Buffer.from(payload('w2'), 'latin1') }); // tagged, but not a string
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: payload('w2') });
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: payload('w3'), to: 'w1' });
    expect(received).toEqual(['w2:deliver:{"event":"x","message":1}', 'w3:deliver:{"event":"x","message":1}']);
    expect(backplane.status()).toMatchObject({ name: 'cluster', healthy: true, received: 2, dropped: 2 });
    await backplane.stop();
    expect(channel.listenerCount('message')).toBe(0);
    expect(channel.listenerCount('disconnect')).toBe(0);
  });

  it('rejects a registry call the primary never answers with SB_REGISTRY_TIMEOUT, saying which call was pending', async () => {
    const channel = new FakeChannel();
    const backplane = new ClusterIpcBackplane({ channel, nodeId: 'w1', requestTimeout: 50 });
    await backplane.start(() => undefined);
    channel.answer = false;
    const error = await rejection(backplane.getRoomMembers('lobby'));
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({
      code: RuntimeErrorCode.REGISTRY_TIMEOUT,
      message: 'cluster registry: sent getRoomMembers(lobby) to the primary, no answer within 50 ms',
    });
    await backplane.stop();
  });

  it('rejects a registry call the primary answers with an error with SB_REGISTRY_FAILED, carrying its message', async () => {
    const channel = new FakeChannel();
    const backplane = new ClusterIpcBackplane({ channel, nodeId: 'w1' });
    await backplane.start(() => undefined);
    channel.failure = 'registry exploded';
    const error = await rejection(backplane.addToRoom('w1.1', 'lobby'));
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({
      code: RuntimeErrorCode.REGISTRY_FAILED,
      message: 'cluster registry: addToRoom(w1.1, lobby) failed in the primary: registry exploded',
    });
    await backplane.stop();
  });

  it('rejects the calls still pending when it stops with SB_BACKPLANE_STOPPED', async () => {
    const channel = new FakeChannel();
    const backplane = new ClusterIpcBackplane({ channel, nodeId: 'w1', requestTimeout: 60_000 });
    await backplane.start(() => undefined);
    channel.answer = false;
    const pending = rejection(backplane.getConnections());
    await backplane.stop();
    const error = await pending;
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({
      code: RuntimeErrorCode.BACKPLANE_STOPPED,
      message: 'cluster registry: the backplane stopped before the primary answered getConnections()',
    });
  });

  it('rejects pending calls at once when the channel to the primary closes, and later ones, with SB_REGISTRY_UNREACHABLE', async () => {
    const channel = new FakeChannel();
    const backplane = new ClusterIpcBackplane({ channel, nodeId: 'w1', requestTimeout: 60_000 });
    await backplane.start(() => undefined);
    channel.answer = false;
    const pending = rejection(backplane.getConnection('w2.1'));
    channel.connected = false;
    channel.emit('disconnect');
    const cutOff = await pending;
    expect(cutOff).toBeInstanceOf(SwitchboardError);
    expect(cutOff).toMatchObject({
      code: RuntimeErrorCode.REGISTRY_UNREACHABLE,
      message: 'cluster registry: the IPC channel to the primary closed before the primary answered getConnection(w2.1)',
    });
    expect(backplane.status()).toMatchObject({ healthy: false, detail: 'the IPC channel to the cluster primary is closed' });
    const later = await rejection(backplane.getConnections());
    expect(later).toBeInstanceOf(SwitchboardError);
    expect(later).toMatchObject({
      code: RuntimeErrorCode.REGISTRY_UNREACHABLE,
      message: 'cluster registry: cannot getConnections(): the IPC channel to the primary is closed',
    });
    await backplane.stop();
  });

  it('refuses to start outside a cluster worker, saying what to use instead', async () => {
    const channel = new FakeChannel();
    const noIpc: IpcChannel = { connected: false, on: channel.on.bind(channel), off: channel.off.bind(channel) };
    const backplane = new ClusterIpcBackplane({ channel: noIpc });
    const error = await backplane.start(() => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardBootError);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardBootError).code).toBe('SB_BACKPLANE_MISCONFIGURED');
    expect((error as Error).message).toMatch(
      /^SB_BACKPLANE_MISCONFIGURED: ClusterIpcBackplane runs in a node:cluster worker; start the app with runCluster\(\)/,
    );
  });

  it('fails at boot when no primary answers its hello', async () => {
    const channel = new FakeChannel();
    channel.answer = false;
    const backplane = new ClusterIpcBackplane({ channel, requestTimeout: 30 });
    const error = await rejection(backplane.start(() => undefined));
    expect(error).toBeInstanceOf(SwitchboardBootError);
    expect((error as Error).message).toMatch(/^SB_BACKPLANE_UNREACHABLE: the cluster primary did not answer/);
    // What failed is kept as the cause: the hello's timeout.
    expect((error as Error).cause).toMatchObject({ code: RuntimeErrorCode.REGISTRY_TIMEOUT });
    expect(channel.listenerCount('message')).toBe(0);
  });
});
