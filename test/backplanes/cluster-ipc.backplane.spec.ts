import { EventEmitter } from 'node:events';
import { ClusterIpcBackplane, SwitchboardBootError, type BackplaneMessage, type IpcChannel } from '../../src';
import { IPC_TAG, decodeWorkerMessage, type WorkerIpcMessage } from '../../src/backplanes/cluster-ipc-message';
import { decodeNodeMessage, encodeNodeMessage } from '../../src/backplanes/node-codec';

/** A worker's IPC channel whose primary side the test plays: it sees what the worker sends and answers or not. */
class FakeChannel extends EventEmitter implements IpcChannel {
  connected = true;
  readonly sent: WorkerIpcMessage[] = [];
  answer = true;

  send(message: unknown): boolean {
    const decoded = decodeWorkerMessage(message);
    if (!decoded) throw new Error(`the worker sent something the primary cannot read: ${JSON.stringify(message)}`);
    this.sent.push(decoded);
    if (this.answer && decoded.type === 'call') {
      queueMicrotask(() => this.emit('message', { [IPC_TAG]: 1, type: 'result', seq: decoded.seq, value: null }));
    }
    return true;
  }
}

const deliver: BackplaneMessage = { type: 'deliver', target: { type: 'all' }, frame: Buffer.from('{"event":"x","message":1}'), binary: false };

describe('ClusterIpcBackplane (worker side, against a scripted primary)', () => {
  it('publishes encoded bytes naming its node, and hands on only tagged messages from other nodes', async () => {
    const channel = new FakeChannel();
    const backplane = new ClusterIpcBackplane({ channel, nodeId: 'w1' });
    const received: string[] = [];
    await backplane.start((message, from) => received.push(`${from}:${message.type}:${message.type === 'deliver' ? message.frame.toString() : ''}`));
    expect(channel.sent[0]).toMatchObject({ type: 'call', node: 'w1', call: { op: 'hello', probe: expect.any(Uint8Array) } });
    backplane.send(deliver);
    const published = channel.sent.at(-1) as Extract<WorkerIpcMessage, { type: 'publish' }>;
    // The node id is in the bytes only, once.
    expect(Object.keys(published).sort()).toEqual([IPC_TAG, 'payload', 'type'].sort());
    expect(decodeNodeMessage(published.payload)).toMatchObject({ node: 'w1', msg: deliver });

    const payload = (node: string): Buffer => encodeNodeMessage({ node, seq: 1, msg: deliver });
    const asUint8Array = (bytes: Buffer): Uint8Array => new Uint8Array(bytes); // what advanced serialisation may hand over
    channel.emit('message', { type: 'message', payload: payload('w2') }); // the app's own IPC: no tag
    channel.emit('message', 'plain string from the app');
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: payload('w2'), to: 'w3' }); // for another app in this worker
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: payload('w1') }); // its own
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: Buffer.from('garbage') });
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: 'a string' }); // tagged, but not bytes
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: payload('w2') });
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: asUint8Array(payload('w3')), to: 'w1' });
    expect(received).toEqual(['w2:deliver:{"event":"x","message":1}', 'w3:deliver:{"event":"x","message":1}']);
    expect(backplane.status()).toMatchObject({ name: 'cluster', healthy: true, received: 2, dropped: 2 });
    await backplane.stop();
    expect(channel.listenerCount('message')).toBe(0);
    expect(channel.listenerCount('disconnect')).toBe(0);
  });

  it('rejects a registry call the primary never answers, saying which call was pending', async () => {
    const channel = new FakeChannel();
    const backplane = new ClusterIpcBackplane({ channel, nodeId: 'w1', requestTimeout: 50 });
    await backplane.start(() => undefined);
    channel.answer = false;
    await expect(backplane.getRoomMembers('lobby')).rejects.toThrow(
      'cluster registry: sent getRoomMembers(lobby) to the primary, no answer within 50 ms',
    );
    await backplane.stop();
  });

  it('rejects pending calls at once when the channel to the primary closes', async () => {
    const channel = new FakeChannel();
    const backplane = new ClusterIpcBackplane({ channel, nodeId: 'w1', requestTimeout: 60_000 });
    await backplane.start(() => undefined);
    channel.answer = false;
    const pending = backplane.getConnection('w2.1');
    channel.connected = false;
    channel.emit('disconnect');
    await expect(pending).rejects.toThrow('the IPC channel to the primary closed before the primary answered getConnection(w2.1)');
    expect(backplane.status()).toMatchObject({ healthy: false, detail: 'the IPC channel to the cluster primary is closed' });
    await expect(backplane.getConnections()).rejects.toThrow('cannot getConnections(): the IPC channel to the primary is closed');
    await backplane.stop();
  });

  it('refuses to start outside a cluster worker, saying what to use instead', async () => {
    const channel = new FakeChannel();
    const noIpc: IpcChannel = { connected: false, on: channel.on.bind(channel), off: channel.off.bind(channel) };
    const backplane = new ClusterIpcBackplane({ channel: noIpc });
    const error = await backplane.start(() => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardBootError);
    expect((error as Error).message).toMatch(/^SB_BACKPLANE_MISCONFIGURED: ClusterIpcBackplane runs in a node:cluster worker; start the app with runCluster\(\)/);
  });

  it('fails at boot, saying what to change, when the primary finds the channel does not carry bytes', async () => {
    const channel = new FakeChannel();
    channel.answer = false;
    channel.send = (message: unknown): boolean => {
      const decoded = decodeWorkerMessage(message);
      // The primary's answer to a hello that came over a JSON channel (the probe arrived as an object).
      if (decoded?.type === 'call') queueMicrotask(() => channel.emit('message', { [IPC_TAG]: 1, type: 'error', seq: decoded.seq, error: 'fork them with advanced serialization' }));
      return true;
    };
    const backplane = new ClusterIpcBackplane({ channel });
    await expect(backplane.start(() => undefined)).rejects.toThrow(
      /^SB_BACKPLANE_MISCONFIGURED: cluster registry: hello\(\) failed in the primary: fork them with advanced serialization$/,
    );
    expect(channel.listenerCount('message')).toBe(0);
  });

  it('fails at boot when no primary answers its hello', async () => {
    const channel = new FakeChannel();
    channel.answer = false;
    const backplane = new ClusterIpcBackplane({ channel, requestTimeout: 30 });
    await expect(backplane.start(() => undefined)).rejects.toThrow(/^SB_BACKPLANE_UNREACHABLE: the cluster primary did not answer/);
    expect(channel.listenerCount('message')).toBe(0);
  });
});
